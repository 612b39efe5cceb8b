import { createHash } from 'node:crypto';
import type { Request, RequestHandler } from 'express';
import { ipKeyGenerator, rateLimit, type Options, type Store } from 'express-rate-limit';
import type { Db } from '../db';
import { findClaimantAccount } from '../db/accounts';
import { hitRateLimit, pruneRateLimits, resetRateLimit, unhitRateLimit } from '../db/rate-limits';
import { findStaff } from './auth';
import { HttpError } from './errors';
import type { IntakeRateLimits } from './security';

/** Prune finished windows once in this many hits, so the counter table stays small without a timer. */
const PRUNE_EVERY = 500;

/** express-rate-limit's Store over PostgreSQL (db/rate-limits.ts): every API process shares the same counters. */
export class PgRateLimitStore implements Store {
  readonly localKeys = false;
  private windowMs = 60_000;
  private hits = 0;

  constructor(
    private readonly db: Db,
    readonly prefix: string,
  ) {}

  init(options: Options): void {
    this.windowMs = options.windowMs;
  }

  async increment(key: string) {
    if (++this.hits % PRUNE_EVERY === 0) void pruneRateLimits(this.db).catch(() => undefined);
    const count = await hitRateLimit(this.db, this.prefix + key, this.windowMs);
    return { totalHits: count.hits, resetTime: count.windowEnd };
  }

  async decrement(key: string): Promise<void> {
    await unhitRateLimit(this.db, this.prefix + key);
  }

  async resetKey(key: string): Promise<void> {
    await resetRateLimit(this.db, this.prefix + key);
  }
}

const sha = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 32);

/** An API client is a valid staff key (its hash); anyone else is their address (IPv6 grouped by /56). */
async function clientKey(db: Db, req: Request): Promise<string> {
  const bearer = /^Bearer ([\x21-\x7e]+)$/.exec(req.get('authorization') ?? '')?.[1];
  const staff = bearer ? await findStaff(db, bearer) : undefined;
  return staff ? `key:${sha(bearer!)}` : `ip:${ipKeyGenerator(req.ip ?? 'unknown')}`;
}

/** The account a claim names, by id or email; an unknown one is limited by what was sent. */
async function accountKey(db: Db, req: Request): Promise<string> {
  const body = (req.body ?? {}) as { accountId?: unknown; email?: unknown };
  const accountId = typeof body.accountId === 'string' ? body.accountId : null;
  const email = typeof body.email === 'string' ? body.email : null;
  const account = accountId || email ? await findClaimantAccount(db, { accountId, email }) : undefined;
  return account ? account.id : `unknown:${sha(`${accountId ?? ''}|${(email ?? '').toLowerCase()}`)}`;
}

/** The key an account's claims are counted under, shared by the API and the email channel. */
export const ACCOUNT_PREFIX = 'claims:account:';

function limiter(
  db: Db,
  name: string,
  prefix: string,
  limit: number,
  windowMs: number,
  keyGenerator: (req: Request) => Promise<string>,
  extra: Partial<Options> = {},
): RequestHandler {
  return rateLimit({
    windowMs,
    limit,
    // IETF draft-8 `RateLimit` / `RateLimit-Policy` headers, one named policy per limiter.
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    identifier: name,
    store: new PgRateLimitStore(db, prefix),
    keyGenerator,
    handler: (_req, res, next) => {
      const retry = Number(res.get('retry-after')) || Math.ceil(windowMs / 1000);
      next(
        new HttpError(
          429,
          `too many claims (${name}: ${limit} per ${windowMs / 1000} s); try again later`,
          undefined,
          retry,
        ),
      );
    },
    ...extra,
  });
}

const off: RequestHandler = (_req, _res, next) => next();

/** Per client (address or API key): every request counts, so a flood is refused before its body is even read. */
export function claimsPerClient(db: Db, limits: IntakeRateLimits): RequestHandler {
  if (!limits.perClient) return off;
  return limiter(db, 'per-client', 'claims:client:', limits.perClient, limits.windowMs, (req) => clientKey(db, req));
}

/**
 * Per account: only accepted claims count (refusals are taken back), so the account owner gets at most
 * `perAccount` acknowledgement mails per window whoever sends them. Needs the parsed JSON body.
 */
export function claimsPerAccount(db: Db, limits: IntakeRateLimits): RequestHandler {
  if (!limits.perAccount) return off;
  return limiter(db, 'per-account', ACCOUNT_PREFIX, limits.perAccount, limits.windowMs, (req) => accountKey(db, req), {
    skipFailedRequests: true,
  });
}

/** The email channel's share of the per-account limit: throws a 429 refusal once the account is over it. */
export async function countMailClaim(db: Db, limits: IntakeRateLimits, accountId: string): Promise<void> {
  if (!limits.perAccount) return;
  const count = await hitRateLimit(db, ACCOUNT_PREFIX + accountId, limits.windowMs);
  if (count.hits > limits.perAccount) {
    await unhitRateLimit(db, ACCOUNT_PREFIX + accountId);
    throw Object.assign(new Error(`account ${accountId} is over its limit of ${limits.perAccount} claims`), {
      status: 429,
    });
  }
}
