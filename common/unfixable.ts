/**
 * Failures of a claim's activities that retrying cannot fix. The worker turns them into non-retryable
 * failures (worker/claim-failures.ts), and the claim workflow's guard (workflows/claim-guard.ts) moves the
 * claim to `needs_attention` instead of failing or retrying forever. Plain data, like common/refusals.ts.
 */
export const UNFIXABLE = {
  /** An activity's result would exceed Temporal's payload limit. */
  payloadTooLarge: 'PayloadTooLarge',
  /** A sum left the exact integer range (common/money.ts MAX_AMOUNT_MINOR). */
  overflow: 'MoneyOverflow',
  /** A programming error (TypeError, RangeError, ReferenceError) that repeated attempts did not clear. */
  bug: 'ActivityBug',
  /** Any other error that kept failing for CLAIM_ACTIVITY_ATTEMPTS attempts. */
  retriesExhausted: 'RetriesExhausted',
} as const;

export type UnfixableType = (typeof UNFIXABLE)[keyof typeof UNFIXABLE];

/**
 * The largest activity result (JSON bytes) a claim activity may return. Temporal refuses payloads over 2 MB;
 * this leaves room for the envelope and for the workflow passing the result on as another activity's input.
 */
export const MAX_ACTIVITY_RESULT_BYTES = 1_000_000;

/** A programming error gets this many attempts (a fluke clears); then a person looks. */
export const BUG_ATTEMPTS = 3;

/**
 * Any failure of a claim activity gets this many attempts (about 25 minutes with the claim workflow's one-minute
 * backoff cap) before a person looks: an outage of the database, mail server or processor is ridden out,
 * a failure that never clears does not retry silently forever.
 */
export const CLAIM_ACTIVITY_ATTEMPTS = 30;

/** What the guard records about the failure that stopped a claim. */
export interface AttentionCause {
  /** The error type: one of UNFIXABLE, a business refusal (e.g. PolicyViolation), or the error's class. */
  errorType: string;
  message: string;
  /** The activity that failed, when an activity failed. */
  activity: string | null;
  /** The policy clause involved, if any. */
  clause: string | null;
}

/** What a person can do with a claim that needs attention (POST /v1/cases/:id/attention). */
export const ATTENTION_ACTIONS = ['retry', 'close'] as const;
export type AttentionAction = (typeof ATTENTION_ACTIONS)[number];
