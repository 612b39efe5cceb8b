/**
 * The pure decision functions: no Node built-in, no file system, no clock. Loading packs from disk
 * (load.ts, fs) and hashing them (version.ts, crypto) are exported by index.ts beside these.
 */
export { classifyRequests } from './classify';
export { assessClaim } from './assess';
export { staffDecision, type StaffDecisionWithCurrency } from './staff';
export { PolicyViolation, POLICY_VIOLATION_CODES, type PolicyViolationCode } from './errors';
export { deadlineFor, slaFor } from './deadlines';
export { withinClaimWindow } from './claim-window';
export { proportionHalfUp } from './proportion';
export { POLICY_ENGINE } from './draft';
export { packRules, type PackRule } from './rules';
export type { LoadedPolicy } from './loaded';
export type { PolicyPack, Calendar, ReasonRule, VerdictRule, Handling } from './schema';
