import { randomUUID } from 'node:crypto';
import express, { Router, type RequestHandler } from 'express';
import type { Queryable } from '../db';
import { requireStaff, STAFF_ROLES } from './auth';
import { HttpError } from './errors';

/** Every JSON route not listed below: staff actions, decisions, accounts, credits, dispute events. */
export const DEFAULT_JSON_LIMIT = 64 * 1024;

/** One route that may send more than the default, and why; `staffOnly` ones are authenticated before their body is read. */
export interface BodyLimit {
  method: 'post' | 'put';
  path: string;
  limit: number;
  why: string;
  staffOnly: boolean;
}

const KB = 1024;
const MB = 1024 * KB;

/**
 * The larger limits. A claim and a reply carry evidence attachments (`evidence[].content`) and up to the maximum
 * number of request ids; a contest carries the evidence texts; ledger batches carry up to 10,000 records; the
 * simulator carries ledger facts and a draft pack. Anything bigger is refused (413) before a byte is parsed.
 */
export const BODY_LIMITS: readonly BodyLimit[] = [
  { method: 'post', path: '/v1/claims', limit: 1 * MB, why: 'evidence attachments and request ids', staffOnly: false },
  {
    method: 'post',
    path: '/v1/claims/:claimId/reply',
    limit: 1 * MB,
    why: 'evidence and request ids',
    staffOnly: false,
  },
  {
    method: 'post',
    path: '/v1/chargebacks/:chargebackId/contest',
    limit: 512 * KB,
    why: 'evidence texts',
    staffOnly: true,
  },
  { method: 'post', path: '/v1/usage/requests', limit: 8 * MB, why: 'ledger batch', staffOnly: true },
  { method: 'post', path: '/v1/usage/charges', limit: 8 * MB, why: 'ledger batch', staffOnly: true },
  { method: 'post', path: '/v1/usage/outages', limit: 8 * MB, why: 'ledger batch', staffOnly: true },
  {
    method: 'post',
    path: '/v1/policies/:policyId/simulate',
    limit: 512 * KB,
    why: 'ledger facts and a draft pack',
    staffOnly: true,
  },
];

/** The body limit of a documented route (for the OpenAPI document's 413). */
export function bodyLimitOf(method: string, path: string): number {
  return BODY_LIMITS.find((b) => b.method === method && b.path === path)?.limit ?? DEFAULT_JSON_LIMIT;
}

/** A body is present when it has a length above zero or is chunked. */
function hasBody(headers: { 'content-length'?: string; 'transfer-encoding'?: string }): boolean {
  return headers['transfer-encoding'] !== undefined || Number(headers['content-length'] ?? 0) > 0;
}

/** The JSON API takes JSON only: any other media type with a body is 415, never silently ignored. */
const jsonOnly: RequestHandler = (req, _res, next) => {
  if (req.path.startsWith('/v1/') && hasBody(req.headers) && !req.is('application/json')) {
    throw new HttpError(415, `send the body as application/json, not ${req.get('content-type') ?? 'no content type'}`);
  }
  next();
};

/** Runs handlers one after another, as a route would; a plain function, so the route inventory (API9) skips it. */
function inSequence(handlers: RequestHandler[]): RequestHandler {
  return (req, res, next) => {
    let i = 0;
    const step = (err?: unknown): void => {
      const handler = handlers[i++];
      if (err || !handler) return next(err);
      Promise.resolve(handler(req, res, step)).catch(next);
    };
    step();
  };
}

/**
 * JSON parsing with a limit per route, enforced while reading (raw-body stops at the limit), so no large or deeply
 * nested body is ever parsed; bulk routes check the staff key first, so nobody unauthenticated gets past 64 KB.
 */
export function jsonBodies(db: Queryable): Router {
  const router = Router();
  router.use(jsonOnly);
  for (const b of BODY_LIMITS) {
    const auth = b.staffOnly ? [requireStaff(db, STAFF_ROLES)] : [];
    const parse = inSequence([...auth, express.json({ limit: b.limit })]);
    // Mounted with use() (a prefix), so only the exact path and method take the larger limit.
    router.use(b.path, (req, res, next) =>
      req.method.toLowerCase() === b.method && (req.path === '/' || req.path === '') ? parse(req, res, next) : next(),
    );
  }
  router.use(express.json({ limit: DEFAULT_JSON_LIMIT }));
  return router;
}

/** Gives each request an id for the log and for error bodies; a well-formed X-Request-Id from a proxy is kept. */
export const requestIds: RequestHandler = (req, res, next) => {
  const given = req.get('x-request-id');
  const id = given && /^[A-Za-z0-9_.:-]{8,100}$/.test(given) ? given : randomUUID();
  res.locals.requestId = id;
  res.set('X-Request-Id', id);
  next();
};
