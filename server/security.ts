import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import helmet from 'helmet';
import type { ClaimTokenKeys } from '../domain/claim-token';
import { HttpError } from './errors';

/** Claims accepted per window on intake; 0 turns a limit off. */
export interface IntakeRateLimits {
  windowMs: number;
  perClient: number;
  perAccount: number;
}

/** The API's security settings, built by wiring/secrets.ts (which fails closed outside development). */
export interface ApiSecurity {
  claimTokens: ClaimTokenKeys;
  /** Signs the console's session cookie; its own secret, apart from the claim tokens'. */
  consoleSessionSecret: string;
  /** Bearer key for GET /metrics; null leaves it open (development only). */
  metricsKey: string | null;
  /** express's `trust proxy` setting (`loopback`, `1`, …); null trusts no X-Forwarded-For. */
  trustProxy: string | null;
  rateLimits: IntakeRateLimits;
}

/**
 * helmet's headers on every response. The JSON API serves no active content, so its CSP allows nothing;
 * the console and the status page set their own, narrower-than-default policies.
 */
export function securityHeaders(): RequestHandler {
  return helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"], baseUri: ["'none'"], formAction: ["'none'"] },
    },
    strictTransportSecurity: { maxAge: 31_536_000, includeSubDomains: true },
  });
}

/** Public, impersonal documents a cache may keep; everything else may carry personal data. */
const CACHEABLE = [/^\/healthz$/, /^\/openapi\.json$/, /^\/console\/assets\//];

/** `Cache-Control: no-store` on claims, cases, credits, chargebacks, accounts, the console and the status page. */
export function noStore(): RequestHandler {
  return (req, res, next) => {
    if (!CACHEABLE.some((path) => path.test(req.path))) res.set('Cache-Control', 'no-store');
    next();
  };
}

const digest = (text: string) => createHash('sha256').update(text).digest();

/** Compares a presented key with the configured one in constant time (both hashed to the same length first). */
export function sameKey(presented: string, expected: string): boolean {
  return timingSafeEqual(digest(presented), digest(expected));
}

/** GET /metrics only with `Authorization: Bearer <METRICS_KEY>`; open when no key is configured (development). */
export function requireMetricsKey(key: string | null): RequestHandler {
  return (req, _res, next) => {
    if (key === null) return next();
    const presented = /^Bearer ([\x21-\x7e]+)$/.exec(req.get('authorization') ?? '')?.[1];
    if (!presented || !sameKey(presented, key))
      throw new HttpError(401, 'metrics need Authorization: Bearer <METRICS_KEY>');
    next();
  };
}
