import { WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { ErrorRequestHandler } from 'express';
import { z } from 'zod';
import { REFUSALS } from '../common/refusals';
import type { Logger } from 'pino';

/** An error that already knows its HTTP status and a message fit for the caller. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly details?: unknown,
    /** Set when the same request may succeed shortly: the claim is between two states. */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }
}

const REFUSAL_STATUS: Record<string, number> = {
  [REFUSALS.wrongState]: 409,
  [REFUSALS.closed]: 409,
  [REFUSALS.moving]: 409,
  [REFUSALS.conflicting]: 409,
  [REFUSALS.policyViolation]: 422,
  [REFUSALS.unknownClaim]: 404,
};
/** A claim between states settles within moments; callers may retry after this many seconds. */
const MOVING_RETRY_AFTER_SECONDS = 1;

/** The business refusal behind a failed update, whether the workflow or one of its activities raised it. */
export function businessRefusal(err: Error): ApplicationFailure | undefined {
  for (let cause: unknown = err.cause; cause instanceof Error; cause = cause.cause) {
    if (cause instanceof ApplicationFailure && REFUSAL_STATUS[cause.type ?? '']) return cause;
  }
  return undefined;
}

/** The status and plain message an error means for the caller; undefined for an unexpected failure. */
export function toHttpError(err: unknown): HttpError | undefined {
  if (err instanceof HttpError) return err;
  if (err instanceof z.ZodError) {
    const issues = err.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
    return new HttpError(
      400,
      `invalid request: ${issues.map((i) => `${i.path || '(body)'}: ${i.message}`).join('; ')}`,
      issues,
    );
  }
  if (err instanceof WorkflowUpdateFailedError) {
    const refusal = businessRefusal(err);
    if (refusal) {
      const retryAfter = refusal.type === REFUSALS.moving ? MOVING_RETRY_AFTER_SECONDS : undefined;
      return new HttpError(
        REFUSAL_STATUS[refusal.type!]!,
        refusal.message,
        { type: refusal.type, details: refusal.details },
        retryAfter,
      );
    }
  }
  // The claim's run has ended; routes answer closed claims from the case record before reaching here.
  if (err instanceof WorkflowNotFoundError)
    return new HttpError(409, 'the claim is closed; nothing more can be done on it');
  const bodyError = err as { type?: string; status?: number; message?: string; code?: string; detail?: string };
  if (bodyError.code === '23505')
    return new HttpError(409, `conflicts with an existing record: ${bodyError.detail ?? bodyError.message}`);
  // PostgreSQL refused a value zod let through (year 0000, a NUL character, a CHECK such as period_end > period_start).
  if (bodyError.code === '23514' || bodyError.code?.startsWith('22')) {
    return new HttpError(422, `a record has a value the ledger cannot store: ${bodyError.message}`);
  }
  if (bodyError.type === 'entity.parse.failed') return new HttpError(400, 'request body is not valid JSON');
  if (bodyError.type === 'entity.too.large') return new HttpError(413, 'request body is too large');
  return undefined;
}

export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    const known = toHttpError(err);
    if (known) {
      if (known.retryAfterSeconds !== undefined) res.set('Retry-After', String(known.retryAfterSeconds));
      const retryable = known.retryAfterSeconds !== undefined ? { retryable: true } : {};
      res.status(known.status).json({ error: known.message, details: known.details, ...retryable });
      return;
    }
    logger.error({ err, method: req.method, path: req.path }, 'unhandled error');
    res.status(500).json({ error: 'internal error' });
  };
}
