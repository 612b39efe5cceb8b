import { WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { ErrorRequestHandler } from 'express';
import { DatabaseError } from 'pg';
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
    /** Set when the cause (e.g. PostgreSQL's own text) is logged but not sent. */
    readonly logCause?: boolean,
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

type Issue = { path: PropertyKey[]; message: string; code?: string; errors?: Issue[][] };

/** A union's "Invalid input" says nothing: name the issues of the shape the body came closest to. */
function plainIssues(issues: readonly Issue[]): Issue[] {
  return issues.flatMap((i) => {
    if (i.code !== 'invalid_union' || !i.errors?.length) return [i];
    const closest = [...i.errors].sort((a, b) => a.length - b.length)[0]!;
    return plainIssues(closest.map((c) => ({ ...c, path: [...i.path, ...c.path] })));
  });
}

/** The status and plain message an error means for the caller; undefined for an unexpected failure. */
export function toHttpError(err: unknown): HttpError | undefined {
  if (err instanceof HttpError) return err;
  if (err instanceof z.ZodError) {
    const issues = plainIssues(err.issues).map((i) => ({ path: i.path.join('.'), message: i.message }));
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
  return parserError(err) ?? databaseError(err);
}

/** What body-parser, raw-body and the router's path decoding mean: they set a 4xx status the caller must see. */
const PARSER_ERRORS: Record<string, (e: ParserFailure) => HttpError> = {
  'charset.unsupported': (e) =>
    new HttpError(
      415,
      `unsupported charset "${(e.charset ?? '').toUpperCase()}": send JSON as UTF-8 (charset=utf-8 or none)`,
    ),
  'encoding.unsupported': (e) =>
    new HttpError(415, `unsupported Content-Encoding "${e.encoding ?? ''}": use gzip, deflate, br or none`),
  'entity.parse.failed': () => new HttpError(400, 'request body is not valid JSON'),
  'entity.too.large': (e) => new HttpError(413, `request body is larger than this route accepts (${e.limit} bytes)`),
  'entity.verify.failed': () => new HttpError(400, 'request body failed verification'),
  'request.aborted': () => new HttpError(400, 'the request body ended early'),
  'request.size.invalid': () => new HttpError(400, 'the request body does not match its Content-Length'),
  'stream.encoding.set': () => new HttpError(400, 'request body could not be read'),
};

interface ParserFailure {
  type?: string;
  status?: number;
  expose?: boolean;
  charset?: string;
  encoding?: string;
  limit?: number;
  message?: string;
}

function parserError(err: unknown): HttpError | undefined {
  if (err instanceof URIError) return new HttpError(400, 'the path has a malformed %-escape');
  const e = err as ParserFailure;
  const known = e?.type ? PARSER_ERRORS[e.type] : undefined;
  if (known) return known(e);
  // A body that its Content-Encoding cannot decode (e.g. "gzip" over plain bytes): zlib's failure, status 400.
  if (e?.expose && typeof e.status === 'number' && e.status >= 400 && e.status < 500) {
    return new HttpError(e.status, e.status === 400 ? 'the request body could not be decoded' : 'request refused');
  }
  return undefined;
}

/** pg's DatabaseError, or one from another copy of pg-protocol: a SQLSTATE code and a severity. */
function isDatabaseError(err: unknown): err is { code?: string } {
  if (err instanceof DatabaseError) return true;
  const e = err as { code?: unknown; severity?: unknown } | null;
  return typeof e?.code === 'string' && /^[0-9A-Z]{5}$/.test(e.code) && typeof e.severity === 'string';
}

/**
 * PostgreSQL refusals as a plain status. The server's own text (constraint names, values, SQL) is logged,
 * never sent: the caller gets a generic message and the request id to quote.
 */
function databaseError(err: unknown): HttpError | undefined {
  if (!isDatabaseError(err)) return undefined;
  if (err.code === '23505') return new HttpError(409, 'conflicts with an existing record', undefined, undefined, true);
  // A value zod let through that PostgreSQL cannot store (a NUL character, a CHECK such as period_end > period_start).
  if (err.code === '23514' || err.code === '23502' || err.code === '23503' || err.code?.startsWith('22')) {
    return new HttpError(422, 'a value is outside what the ledger can store', undefined, undefined, true);
  }
  return undefined;
}

/** The id the request log and every error body carry, so a caller can quote it (see requestIds in server/app.ts). */
export function requestIdOf(res: { locals: Record<string, unknown> }): string | undefined {
  return typeof res.locals.requestId === 'string' ? res.locals.requestId : undefined;
}

export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err, req, res, next) => {
    // A failure after the answer started can only end the connection: express's own handler does that.
    if (res.headersSent) return next(err);
    const requestId = requestIdOf(res);
    const known = toHttpError(err);
    if (known) {
      if (known.logCause)
        logger.warn({ err, requestId, method: req.method, path: req.path }, 'refused by the database');
      if (known.retryAfterSeconds !== undefined) res.set('Retry-After', String(known.retryAfterSeconds));
      const retryable = known.retryAfterSeconds !== undefined ? { retryable: true } : {};
      res.status(known.status).json({ error: known.message, details: known.details, ...retryable, requestId });
      return;
    }
    logger.error({ err, requestId, method: req.method, path: req.path }, 'unhandled error');
    res.status(500).json({ error: 'internal error; quote the requestId when you report it', requestId });
  };
}
