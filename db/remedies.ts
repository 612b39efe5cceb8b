import type { Remedy } from '../common/claim';
import type { ChargeRemedy } from '../common/ledger';
import { minorFromDb } from '../common/money';
import type { Queryable } from './index';

/** What a claim reserves: whole requests, and an amount of each charge. */
export interface RemedyItems {
  requests: { requestId: string; amountMinor: number; currency: string }[];
  charges: { transactionId: string; amountMinor: number; currency: string }[];
}

/** A live reservation or remedy, as the case view and the waiting check read it. */
export interface RemedyHold {
  claimId: string;
  requestId: string | null;
  transactionId: string | null;
  amountMinor: number;
  currency: string;
  state: 'pending' | 'remedied';
  remedy: ChargeRemedy['remedy'];
}

/** PostgreSQL refused a hold: the charge's remaining amount or the request's single remedy was taken. */
export class RemedyLimitExceeded extends Error {
  constructor(
    message: string,
    readonly item: string,
    readonly remainingMinor: number | null,
  ) {
    super(message);
    this.name = 'RemedyLimitExceeded';
  }
}

interface HoldRow {
  claim_id: string;
  request_id: string | null;
  transaction_id: string | null;
  amount_minor: string;
  currency: string;
  state: 'pending' | 'remedied';
  remedy: ChargeRemedy['remedy'];
}

const toHold = (r: HoldRow): RemedyHold => ({
  claimId: r.claim_id,
  requestId: r.request_id,
  transactionId: r.transaction_id,
  amountMinor: minorFromDb(r.amount_minor),
  currency: r.currency.trim(),
  state: r.state,
  remedy: r.remedy,
});

/**
 * Serialises every reservation of one account's items: an assessment, a staff decision and a release
 * of the same account take turns, so "is anything pending?" and "reserve it" are one atomic step.
 */
export async function lockAccountForRemedies(tx: Queryable, accountId: string): Promise<void> {
  await tx.query('SELECT 1 FROM accounts WHERE id = $1 FOR UPDATE', [accountId]);
}

/** The same lock, found through a claim: releases take it too, so no waiter registers unseen. */
export async function lockAccountOfClaim(tx: Queryable, claimId: string): Promise<void> {
  await tx.query('SELECT 1 FROM accounts WHERE id = (SELECT account_id FROM claims WHERE id = $1) FOR UPDATE', [
    claimId,
  ]);
}

/** Live holds of OTHER claims on these requests (of this account) and charges. */
export async function holdsOfOtherClaims(
  db: Queryable,
  claimId: string,
  accountId: string,
  requestIds: string[],
  transactionIds: string[],
): Promise<RemedyHold[]> {
  const { rows } = await db.query<HoldRow>(
    `SELECT claim_id, request_id, transaction_id, amount_minor, currency, state, remedy FROM remedy_holds
      WHERE account_id = $2 AND claim_id <> $1 AND state <> 'released'
        AND (request_id = ANY($3::text[]) OR transaction_id = ANY($4::text[]))
      ORDER BY id`,
    [claimId, accountId, requestIds, transactionIds],
  );
  return rows.map(toHold);
}

/** Every live hold on these items, the claim's own included: who reserved or remedied what. */
export async function holdsOnItems(
  db: Queryable,
  requestIds: string[],
  transactionIds: string[],
): Promise<RemedyHold[]> {
  const { rows } = await db.query<HoldRow>(
    `SELECT claim_id, request_id, transaction_id, amount_minor, currency, state, remedy FROM remedy_holds
      WHERE state <> 'released' AND (request_id = ANY($1::text[]) OR transaction_id = ANY($2::text[]))
      ORDER BY id`,
    [requestIds, transactionIds],
  );
  return rows.map(toHold);
}

/**
 * Makes the claim's pending holds exactly `items`: holds it no longer needs are released, the rest are
 * inserted or resized. The unique index and the charge trigger refuse anything above the limits.
 */
export async function reserveRemedyItems(
  tx: Queryable,
  claimId: string,
  accountId: string,
  items: RemedyItems,
): Promise<void> {
  const requestIds = items.requests.map((r) => r.requestId);
  const transactionIds = items.charges.map((c) => c.transactionId);
  await tx.query(
    `UPDATE remedy_holds SET state = 'released', updated_at = now()
      WHERE claim_id = $1 AND state = 'pending'
        AND NOT (coalesce(request_id = ANY($2::text[]), false) OR coalesce(transaction_id = ANY($3::text[]), false))`,
    [claimId, requestIds, transactionIds],
  );
  try {
    for (const r of items.requests) {
      await tx.query(
        `INSERT INTO remedy_holds (claim_id, account_id, request_id, amount_minor, currency) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (claim_id, request_id) WHERE request_id IS NOT NULL
         DO UPDATE SET state = 'pending', amount_minor = EXCLUDED.amount_minor, updated_at = now()
          WHERE remedy_holds.state <> 'remedied'`,
        [claimId, accountId, r.requestId, r.amountMinor, r.currency],
      );
    }
    for (const c of items.charges) {
      await tx.query(
        `INSERT INTO remedy_holds (claim_id, account_id, transaction_id, amount_minor, currency) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (claim_id, transaction_id) WHERE transaction_id IS NOT NULL
         DO UPDATE SET state = 'pending', amount_minor = EXCLUDED.amount_minor, updated_at = now()
          WHERE remedy_holds.state <> 'remedied'`,
        [claimId, accountId, c.transactionId, c.amountMinor, c.currency],
      );
    }
  } catch (err) {
    throw asLimitError(err) ?? err;
  }
}

function asLimitError(err: unknown): RemedyLimitExceeded | undefined {
  const e = err as { code?: string; constraint?: string; detail?: string; message?: string };
  if (e.code === '23514' && e.constraint === 'remedy_holds_within_charge') {
    const remaining = /remaining=(-?\d+)/.exec(e.detail ?? '')?.[1];
    const item = /charge (\S+)/.exec(e.message ?? '')?.[1] ?? 'the charge';
    return new RemedyLimitExceeded(
      e.message ?? 'charge limit',
      item,
      remaining === undefined ? null : Number(remaining),
    );
  }
  if (e.code === '23505' && e.constraint === 'remedy_holds_one_live_per_request_idx') {
    const item = /\(request_id\)=\(([^)]+)\)/.exec(e.detail ?? '')?.[1] ?? 'a request';
    return new RemedyLimitExceeded(`request ${item} is already reserved or remedied by another claim`, item, null);
  }
  return undefined;
}

/** The money went out: every pending hold of the claim is now remedied by `remedy`. */
export async function markHoldsRemedied(
  tx: Queryable,
  claimId: string,
  remedy: Exclude<Remedy, 'none'>,
): Promise<void> {
  await tx.query(
    `UPDATE remedy_holds SET state = 'remedied', remedy = $2, updated_at = now() WHERE claim_id = $1 AND state = 'pending'`,
    [claimId, remedy],
  );
}

/** Releases the claim's pending holds (all of them, or only the listed requests). */
export async function releaseHolds(tx: Queryable, claimId: string, onlyRequests?: string[]): Promise<void> {
  await tx.query(
    `UPDATE remedy_holds SET state = 'released', updated_at = now()
      WHERE claim_id = $1 AND state = 'pending' AND ($2::text[] IS NULL OR request_id = ANY($2::text[]))`,
    [claimId, onlyRequests ?? null],
  );
}

/** Records that `claimId` waits for each claim in `heldBy` to settle its holds. */
export async function registerWaiter(tx: Queryable, claimId: string, heldBy: string[]): Promise<void> {
  await tx.query(
    `INSERT INTO remedy_waiters (claim_id, held_by) SELECT $1, unnest($2::text[]) ON CONFLICT DO NOTHING`,
    [claimId, heldBy],
  );
}

/** Claims that waited for `heldBy`; they are removed, so each is woken once per wait. */
export async function takeWaiters(db: Queryable, heldBy: string): Promise<string[]> {
  const { rows } = await db.query<{ claim_id: string }>(
    'DELETE FROM remedy_waiters WHERE held_by = $1 RETURNING claim_id',
    [heldBy],
  );
  return rows.map((r) => r.claim_id).sort();
}

/** A credit row of the desk: at most one per claim. */
export interface CreditRow {
  id: string;
  amountMinor: number;
  currency: string;
  kind: 'claim' | 'service';
  createdAt: Date;
}

/** Inserts the claim's credit unless it exists, and returns the claim's one credit row. */
export async function insertClaimCredit(
  tx: Queryable,
  c: {
    claimId: string;
    amountMinor: number;
    currency: string;
    kind: 'claim' | 'service';
    idempotencyKey: string;
    expiresAt: Date | null;
    issuedAt: Date;
  },
): Promise<CreditRow> {
  await tx.query(
    `INSERT INTO credits_issued (claim_id, account_id, amount_minor, currency, kind, idempotency_key, expires_at, created_at)
     SELECT id, account_id, $2, $3, $4, $5, $6, $7 FROM claims WHERE id = $1
     ON CONFLICT (claim_id) DO NOTHING`,
    [c.claimId, c.amountMinor, c.currency, c.kind, c.idempotencyKey, c.expiresAt, c.issuedAt],
  );
  const { rows } = await tx.query<{
    id: string;
    amount_minor: string;
    currency: string;
    kind: 'claim' | 'service';
    created_at: Date;
  }>('SELECT id, amount_minor, currency, kind, created_at FROM credits_issued WHERE claim_id = $1', [c.claimId]);
  const row = rows[0]!;
  return {
    id: String(row.id),
    amountMinor: minorFromDb(row.amount_minor),
    currency: row.currency,
    kind: row.kind,
    createdAt: row.created_at,
  };
}

/** A refund payout: at most one per claim, recorded before the processor is asked. */
export interface PayoutRow {
  id: string;
  paymentReference: string | null;
  processorReference: string | null;
  status: 'pending' | 'confirmed';
  /** The reference finance confirmed the payout with. */
  confirmedReference: string | null;
  confirmedBy: string | null;
  confirmedAt: string | null;
}

interface PayoutDbRow {
  id: string;
  payment_reference: string | null;
  processor_ref: string | null;
  status: 'pending' | 'confirmed';
  confirmed_reference: string | null;
  confirmed_by: string | null;
  confirmed_at: Date | null;
}
const toPayout = (r: PayoutDbRow): PayoutRow => ({
  id: String(r.id),
  paymentReference: r.payment_reference,
  processorReference: r.processor_ref,
  status: r.status,
  confirmedReference: r.confirmed_reference,
  confirmedBy: r.confirmed_by,
  confirmedAt: r.confirmed_at?.toISOString() ?? null,
});
const PAYOUT_COLUMNS = 'id, payment_reference, processor_ref, status, confirmed_reference, confirmed_by, confirmed_at';

/** Inserts the claim's payout (paying back the claimed charge's payment) unless it exists; returns it. */
export async function insertClaimPayout(
  tx: Queryable,
  p: { claimId: string; amountMinor: number; currency: string; idempotencyKey: string },
): Promise<PayoutRow> {
  await tx.query(
    `INSERT INTO payouts (claim_id, account_id, amount_minor, currency, payment_reference, idempotency_key)
     SELECT c.id, c.account_id, $2, $3,
            (SELECT ch.payment_reference FROM charges ch
              WHERE ch.account_id = c.account_id
                AND (ch.transaction_id = c.transaction_id OR ch.invoice_number = c.invoice_number)
              LIMIT 1),
            $4
       FROM claims c WHERE c.id = $1
     ON CONFLICT (claim_id) DO NOTHING`,
    [p.claimId, p.amountMinor, p.currency, p.idempotencyKey],
  );
  return (await findPayout(tx, p.claimId))!;
}

export async function findPayout(db: Queryable, claimId: string): Promise<PayoutRow | undefined> {
  const { rows } = await db.query<PayoutDbRow>(`SELECT ${PAYOUT_COLUMNS} FROM payouts WHERE claim_id = $1`, [claimId]);
  return rows[0] && toPayout(rows[0]);
}

export async function setProcessorReference(
  db: Queryable,
  payoutId: string,
  processorReference: string,
): Promise<void> {
  await db.query('UPDATE payouts SET processor_ref = $2 WHERE id = $1', [payoutId, processorReference]);
}

/** Confirms a pending payout once; returns the payout as it stands afterwards. */
export async function confirmClaimPayout(
  db: Queryable,
  claimId: string,
  processorReference: string,
  confirmedBy: string,
): Promise<PayoutRow | undefined> {
  await db.query(
    `UPDATE payouts SET status = 'confirmed', processor_ref = coalesce(processor_ref, $2), confirmed_reference = $2,
                        confirmed_by = $3, confirmed_at = now()
      WHERE claim_id = $1 AND status = 'pending'`,
    [claimId, processorReference, confirmedBy],
  );
  return findPayout(db, claimId);
}

/** When the claim's credit was issued, if it was. */
export async function findCreditIssuedAt(db: Queryable, claimId: string): Promise<string | undefined> {
  const { rows } = await db.query<{ created_at: Date }>('SELECT created_at FROM credits_issued WHERE claim_id = $1', [
    claimId,
  ]);
  return rows[0]?.created_at.toISOString();
}
