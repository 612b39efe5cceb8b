import { ApplicationFailure } from '@temporalio/common';
import type { ActivityInterceptorsFactory } from '@temporalio/worker';
import { CLAIM_WORKFLOW_TYPES } from '../common/ids';
import { MoneyOverflow } from '../common/money';
import {
  BUG_ATTEMPTS,
  CLAIM_ACTIVITY_ATTEMPTS,
  MAX_ACTIVITY_RESULT_BYTES,
  UNFIXABLE,
  type UnfixableType,
} from '../common/unfixable';

/** JavaScript's programming errors; a TypeError with a cause is a network failure (fetch), not a bug. */
const BUG_CLASSES = ['TypeError', 'RangeError', 'ReferenceError', 'SyntaxError'];

function unfixable(type: UnfixableType, message: string, cause?: unknown): ApplicationFailure {
  return ApplicationFailure.create({
    type,
    message,
    nonRetryable: true,
    ...(cause instanceof Error && { cause }),
  });
}

/**
 * What an error of attempt `attempt` becomes: a non-retryable failure when retrying cannot fix it,
 * otherwise the error unchanged (retried by the activity's retry policy).
 */
export function classifyClaimActivityError(err: unknown, attempt: number): unknown {
  if (err instanceof ApplicationFailure) return err; // already typed: refusals stay refusals
  if (err instanceof MoneyOverflow) return unfixable(UNFIXABLE.overflow, err.message, err);
  const bug = err instanceof Error && BUG_CLASSES.includes(err.name) && err.cause === undefined;
  if (bug && attempt >= BUG_ATTEMPTS) {
    return unfixable(UNFIXABLE.bug, `${err.name}: ${err.message} (attempt ${attempt})`, err);
  }
  if (attempt >= CLAIM_ACTIVITY_ATTEMPTS) {
    const message = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
    return unfixable(UNFIXABLE.retriesExhausted, `${message} (still failing after ${attempt} attempts)`, err);
  }
  return err;
}

/** Refuses a result Temporal could not carry, before the SDK tries to send it and the attempt times out. */
export function checkResultSize(result: unknown, activity: string): void {
  if (result === undefined) return;
  const bytes = Buffer.byteLength(JSON.stringify(result));
  if (bytes > MAX_ACTIVITY_RESULT_BYTES) {
    throw unfixable(
      UNFIXABLE.payloadTooLarge,
      `${activity} returned ${bytes} bytes, above the ${MAX_ACTIVITY_RESULT_BYTES}-byte limit for a claim activity result`,
    );
  }
}

/**
 * A worker interceptor for the claim workflow's activities: failures retrying cannot fix become non-retryable,
 * so the workflow's guard moves the claim to needs_attention instead of it retrying every minute forever.
 * Other workflows' activities pass through unchanged.
 */
export const claimActivityFailures: ActivityInterceptorsFactory = (ctx) => ({
  inbound: {
    async execute(input, next) {
      if (!(CLAIM_WORKFLOW_TYPES as readonly (string | undefined)[]).includes(ctx.info.workflowType))
        return next(input);
      let result: unknown;
      try {
        result = await next(input);
      } catch (err) {
        throw classifyClaimActivityError(err, ctx.info.attempt);
      }
      checkResultSize(result, ctx.info.activityType);
      return result;
    },
  },
});
