import { Router, type Request } from 'express';
import { z } from 'zod';
import { CurrencyCode, Instant, PositiveMinorUnits, RecordId } from '../../common/ledger-records';
import { withTransaction, type Db } from '../../db';
import { accountCurrency, lockAccountTerms } from '../../db/accounts';
import { findChargeOwner } from '../../db/charges';
import { consumeCredits, creditStatement, grantCredits } from '../../db/credits';
import type { PolicyStore } from '../../db/policies';
import { CreditRefusal, PLATFORM_GRANT_KINDS } from '../../domain/credits';
import { requireStaff, staffActor, STAFF_ROLES, type StaffPrincipal } from '../auth';
import { HttpError } from '../errors';
import { pathParam } from '../schemas';

/** The platform feeds grants and reports spending; any staff key may read a statement. */
const CREDIT_FEEDERS = ['operator', 'admin'] as const;

const id = RecordId;
const currency = CurrencyCode;
/** At most 10^12 minor units per grant or spend (common/money.ts MAX_AMOUNT_MINOR), so no balance overflows. */
const positiveMinor = PositiveMinorUnits;

const grantFields = {
  amountMinor: positiveMinor,
  /** Defaults to the account's currency. */
  currency: currency.optional(),
  /** When the credits were granted; defaults to the charge's date, else now. Never in the future. */
  grantedAt: Instant.optional(),
  why: z.string().trim().min(1).max(2000).optional(),
};

/**
 * A purchase names the charge the credits were bought with (its date is the purchase date); any other grant names
 * the platform's own key for it (e.g. a promotion id), granted once per account. Exactly one of the two, so a
 * retried request grants once: a union of two strict shapes, so the OpenAPI document says so too.
 */
export const CreditGrantBody = z.union([
  z.object({ kind: z.literal('purchased'), transactionId: id, ...grantFields }).strict(),
  z.object({ kind: z.enum(PLATFORM_GRANT_KINDS), source: id, ...grantFields }).strict(),
]);

export const CreditConsumeBody = z
  .object({
    amountMinor: positiveMinor,
    currency: currency.optional(),
    /** Or the Idempotency-Key header. */
    idempotencyKey: id.optional(),
    why: z.string().trim().min(1).max(2000),
  })
  .strict();

/** Query of GET /v1/accounts/:accountId/credits. */
export const StatementQuery = z.object({ movementLimit: z.coerce.number().int().min(1).max(5000).default(500) });

function refusalToHttp(err: unknown): never {
  if (err instanceof CreditRefusal) {
    const status = {
      insufficient_credits: 409,
      idempotency_conflict: 409,
      unknown_account: 404,
      not_granted_by_policy: 422,
      unknown_charge: 422,
    }[err.code];
    throw new HttpError(status, err.message, { code: err.code, ...err.details });
  }
  throw err;
}

function idempotencyKeyOf(req: Request, fromBody: string | undefined): string {
  const header = req.get('idempotency-key')?.trim();
  if (header && fromBody && header !== fromBody)
    throw new HttpError(400, 'the Idempotency-Key header and body idempotencyKey differ');
  const key = header || fromBody;
  if (!key) throw new HttpError(400, 'an Idempotency-Key header (or body idempotencyKey) is required');
  if (key.length > 200) throw new HttpError(400, 'the idempotency key is longer than 200 characters');
  return key;
}

/** The credits ledger over HTTP: a statement per account, grants fed by the platform, and consumption. */
export function creditRoutes(db: Db, policies: PolicyStore): Router {
  const router = Router();
  const feeder = requireStaff(db, CREDIT_FEEDERS);

  router.get('/v1/accounts/:accountId/credits', requireStaff(db, STAFF_ROLES), async (req, res) => {
    const { movementLimit } = StatementQuery.parse(req.query);
    const statement = await creditStatement(db, pathParam(req.params, 'accountId'), { movementLimit });
    if (!statement) throw new HttpError(404, 'no such account');
    res.json(statement);
  });

  router.post('/v1/accounts/:accountId/credits/grants', feeder, async (req, res) => {
    const accountId = pathParam(req.params, 'accountId');
    const body = CreditGrantBody.parse(req.body);
    const actor = `staff:${staffActor(res.locals.staff as StaffPrincipal).id}`;
    const result = await withTransaction(db, async (tx) => {
      const account = await lockAccountTerms(tx, accountId);
      if (!account) throw new HttpError(404, 'no such account; PUT /v1/accounts/:accountId first');
      const policy = policies.current(account.policyId);
      if (!policy)
        throw new HttpError(422, `account ${accountId} names policy ${account.policyId}, which is not in force`);
      let grantedAt = body.grantedAt ? new Date(body.grantedAt) : undefined;
      if ('transactionId' in body) {
        const charge = await findChargeOwner(tx, body.transactionId);
        if (charge?.accountId !== accountId) {
          throw new HttpError(
            422,
            `no charge ${body.transactionId} on account ${accountId}; POST /v1/usage/charges first`,
            {
              code: 'unknown_charge',
            },
          );
        }
        grantedAt ??= charge.createdAt;
      }
      grantedAt ??= new Date();
      if (grantedAt.getTime() > Date.now() + 60_000) throw new HttpError(422, 'grantedAt is in the future');
      const source = 'transactionId' in body ? `charge:${body.transactionId}` : `platform:${body.source}`;
      return grantCredits(tx, {
        accountId,
        kind: body.kind,
        amount: { amountMinor: body.amountMinor, currency: body.currency ?? account.currency },
        source,
        grantedAt,
        policy,
        actor,
        why: body.why ?? `${body.kind} credit from ${source}`,
      }).catch(refusalToHttp);
    });
    res.status(result.created ? 201 : 200).json({ grant: result.grant, replayed: !result.created });
  });

  router.post('/v1/accounts/:accountId/credits/consume', feeder, async (req, res) => {
    const accountId = pathParam(req.params, 'accountId');
    const body = CreditConsumeBody.parse(req.body);
    const key = idempotencyKeyOf(req, body.idempotencyKey);
    const actor = `staff:${staffActor(res.locals.staff as StaffPrincipal).id}`;
    let currencyCode = body.currency;
    if (!currencyCode) {
      currencyCode = await accountCurrency(db, accountId);
      if (!currencyCode) throw new HttpError(404, 'no such account');
    }
    const result = await consumeCredits(
      db,
      accountId,
      { amountMinor: body.amountMinor, currency: currencyCode },
      key,
      body.why,
      {
        actor,
      },
    ).catch(refusalToHttp);
    res.json(result);
  });

  return router;
}
