/**
 * The decision functions without any Node built-in (no fs, no crypto), so Temporal workflow code
 * can import them; loading and versioning packs lives in index.ts.
 */
export { classifyRequests } from './classify';
export { assessClaim } from './assess';
export { staffDecision, type StaffDecisionInput } from './staff';
export { PolicyViolation, POLICY_VIOLATION_CODES, type PolicyViolationCode } from './errors';
export { deadlineFor, addBusinessDays, isBusinessDay } from './deadlines';
export { withinClaimWindow } from './claimWindow';
export { proportionHalfUp } from './proportion';
export { POLICY_ENGINE } from './draft';
export { packRules, type PackRule } from './rules';
export type { LoadedPolicy } from './loaded';
export type { PolicyPack, Calendar, ReasonRule, VerdictRule, Handling } from './schema';
