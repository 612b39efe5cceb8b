/**
 * The pure decision functions: no Node built-in, no file system, no clock. Loading packs from disk
 * and hashing them (fs, crypto) live in index.ts only.
 */
export { classifyRequests } from './classify';
export { assessClaim } from './assess';
export { staffDecision, type StaffDecisionInput } from './staff';
export { PolicyViolation, POLICY_VIOLATION_CODES, type PolicyViolationCode } from './errors';
export { deadlineFor, slaFor } from './deadlines';
export { withinClaimWindow } from './claim-window';
export { proportionHalfUp } from './proportion';
export { POLICY_ENGINE } from './draft';
export { packRules, type PackRule } from './rules';
export type { LoadedPolicy } from './loaded';
export type { PolicyPack, Calendar, ReasonRule, VerdictRule, Handling } from './schema';
