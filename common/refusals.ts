/**
 * Business refusals raised to callers by the claim workflow and its activities. Plain data, so the HTTP
 * layer maps them to statuses without loading the workflow SDK; the worker lists them as non-retryable.
 */
export const REFUSALS = {
  /** The claim is not in a state that allows the action (409). */
  wrongState: 'ClaimNotInExpectedState',
  /** The claim is closed for good (409). */
  closed: 'ClaimClosed',
  /** The claim is moving between states; the same action may succeed shortly (409, retryable). */
  moving: 'ClaimBetweenStates',
  /** The same action was already taken with different content (409). */
  conflicting: 'ConflictingAction',
  policyViolation: 'PolicyViolation',
  unknownClaim: 'UnknownClaim',
} as const;

export type RefusalType = (typeof REFUSALS)[keyof typeof REFUSALS];
