/**
 * Claimants for the benchmarks, made through the same ledger import the operator API uses: `count` accounts
 * `${prefix}_i` on one policy, each with one failed (5xx) call to claim, or one $50 charge to dispute.
 */
import type { Db } from '../../db';
import { importLedgerRecords } from '../../db/ledger-import';
import { insertNumberedAccounts } from '../../db/synthetic-ledger';

const HOUR = 3_600_000;
const CHUNK = 1_000;
export const BENCH_POLICY = 'pixazo-api';

const accountId = (prefix: string, i: number) => `${prefix}_${i}`;
export const failedRequestId = (prefix: string, i: number) => `req_${prefix}_${i}_5xx`;
export const chargeId = (prefix: string, i: number) => `txn_${prefix}_${i}`;

async function inChunks(count: number, make: (i: number) => object, save: (rows: object[]) => Promise<unknown>) {
  for (let from = 0; from < count; from += CHUNK) {
    const rows = Array.from({ length: Math.min(CHUNK, count - from) }, (_, k) => make(from + k));
    await save(rows);
  }
}

/** Accounts with one 5xx call each: a claim for it is decided automatically and credited. */
export async function seedFailedCalls(db: Db, prefix: string, count: number, now = Date.now()): Promise<void> {
  await insertNumberedAccounts(db, { prefix, count, policyId: BENCH_POLICY });
  const at = new Date(now - 30 * HOUR).toISOString();
  await inChunks(
    count,
    (i) => ({
      requestId: failedRequestId(prefix, i),
      accountId: accountId(prefix, i),
      endpoint: '/v1/images/generate',
      model: 'sdxl-turbo',
      currency: 'USD',
      httpStatus: 502,
      outcome: 'error',
      amountMinor: 120,
      outputDelivered: false,
      startedAt: at,
      completedAt: at,
    }),
    (rows) => importLedgerRecords(db, 'requests', rows),
  );
}

/** Accounts with one $50 credit purchase each: a billing-error claim on it goes to a person (in_review). */
export async function seedCharges(db: Db, prefix: string, count: number, now = Date.now()): Promise<void> {
  await insertNumberedAccounts(db, { prefix, count, policyId: BENCH_POLICY });
  const at = new Date(now - 72 * HOUR).toISOString();
  await inChunks(
    count,
    (i) => ({
      transactionId: chargeId(prefix, i),
      invoiceNumber: `INV-${prefix}-${i}`,
      paymentReference: `pi_${prefix}_${i}`,
      accountId: accountId(prefix, i),
      amountMinor: 5000,
      currency: 'USD',
      kind: 'credit_purchase',
      periodStart: null,
      periodEnd: null,
      createdAt: at,
    }),
    (rows) => importLedgerRecords(db, 'charges', rows),
  );
}

export const autoCreditClaim = (prefix: string, i: number) => ({
  accountId: accountId(prefix, i),
  reason: 'failed_request',
  requestIds: [failedRequestId(prefix, i)],
  explanation: 'The generation failed with a 502.',
});

export const reviewClaim = (prefix: string, i: number) => ({
  accountId: accountId(prefix, i),
  reason: 'billing_error',
  transactionId: chargeId(prefix, i),
  explanation: 'I was charged $50 but my plan is $40.',
});
