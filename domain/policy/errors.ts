export const POLICY_VIOLATION_CODES = [
  'not_staff',
  'policy_mismatch',
  'facts_mismatch',
  'unknown_outcome',
  'remedy_not_allowed',
  'remedy_for_denial',
  'amount_for_denial',
  'amount_invalid',
  'amount_above_charged',
  'amount_above_remainder',
  'currency_unknown',
  'currency_mismatch',
  'note_required',
] as const;
export type PolicyViolationCode = (typeof POLICY_VIOLATION_CODES)[number];

/** A decision or input the policy pack does not permit; `code` is stable for callers and HTTP mapping. */
export class PolicyViolation extends Error {
  constructor(
    readonly code: PolicyViolationCode,
    message: string,
  ) {
    super(message);
    this.name = 'PolicyViolation';
  }
}
