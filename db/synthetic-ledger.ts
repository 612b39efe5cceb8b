/**
 * A large synthetic usage ledger generated inside PostgreSQL, for the benchmarks (bench/). Every row is
 * derived from its number, so a benchmark can name the ids it claims without reading them back.
 * Accounts are acct_0 … acct_{accounts-1}; request i belongs to acct_{i % accounts}.
 */
import { createHash } from 'node:crypto';
import type { Queryable } from './index';

/** Day 0 of the synthetic ledger; rows spread over `days` from here. */
const EPOCH = `timestamptz '2025-01-01 00:00:00+00'`;

/** The id the loader gives request i (1-based): md5, so the primary-key index is written in random order. */
export const syntheticRequestId = (i: number): string => `req_${createHash('md5').update(String(i)).digest('hex')}`;

/** acct_0 … acct_{count-1}, all on one policy. */
export async function insertSyntheticAccounts(db: Queryable, count: number, policyId: string): Promise<void> {
  await db.query(
    `INSERT INTO accounts (id, email, policy_id)
     SELECT 'acct_' || i, 'acct_' || i || '@bench.example', $2 FROM generate_series(0, $1::int - 1) i`,
    [count, policyId],
  );
}

/** Requests `from`…`to` of `total`, spread evenly over `days`: 5% 5xx, 2% timeouts, 3% 404, the rest 200. */
export async function loadSyntheticRequests(
  db: Queryable,
  range: { from: number; to: number; total: number; accounts: number; days: number },
): Promise<void> {
  await db.query(
    `INSERT INTO usage_requests (request_id, account_id, endpoint, model, http_status, outcome, amount_minor, currency,
                                output_delivered, started_at, completed_at)
     SELECT 'req_' || md5(i::text),
            'acct_' || (i % $3),
            (ARRAY['/v1/chat/completions', '/v1/images/generations', '/v1/embeddings', '/v1/audio/speech'])[1 + i % 4],
            CASE WHEN i % 7 = 0 THEN NULL ELSE 'model-' || (i % 3) END,
            s.status,
            CASE s.status WHEN 200 THEN 'success' WHEN 504 THEN 'timeout' ELSE 'error' END,
            1 + i % 997, 'USD', s.status = 200,
            t.at,
            CASE WHEN s.status = 504 THEN NULL ELSE t.at + interval '1.2 seconds' END
       FROM generate_series($1::bigint, $2::bigint) AS i,
            LATERAL (SELECT CASE WHEN i % 20 = 0 THEN 500 WHEN i % 50 = 1 THEN 504 WHEN i % 33 = 2 THEN 404 ELSE 200 END AS status) s,
            LATERAL (SELECT ${EPOCH} + (i::float8 / $4) * ($5::int * interval '1 day') AS at) t`,
    [range.from, range.to, range.accounts, range.total, range.days],
  );
}

/** Charges tx_1 … tx_{count}: charge j belongs to acct_{j % accounts}; purchases, usage bills and subscriptions in turn. */
export async function loadSyntheticCharges(
  db: Queryable,
  spec: { count: number; accounts: number; days: number },
): Promise<void> {
  await db.query(
    `INSERT INTO charges (transaction_id, invoice_number, payment_reference, account_id, amount_minor, currency, kind,
                          period_start, period_end, created_at)
     SELECT 'tx_' || j, 'INV-' || j, 'pr_' || (j / 2), 'acct_' || (j % $2), 500 + j % 5000, 'USD',
            k.kind,
            CASE WHEN k.kind = 'subscription' THEN t.at END,
            CASE WHEN k.kind = 'subscription' THEN t.at + interval '30 days' END,
            t.at
       FROM generate_series(1, $1::bigint) AS j,
            LATERAL (SELECT (ARRAY['credit_purchase', 'usage', 'subscription'])[1 + j % 3] AS kind) k,
            LATERAL (SELECT ${EPOCH} + (j::float8 / $1) * ($3::int * interval '1 day') AS at) t`,
    [spec.count, spec.accounts, spec.days],
  );
}

/** Outages out_1 … out_{count} of 10–60 minutes; start times follow the golden-ratio sequence (no aliasing with the requests). */
export async function loadSyntheticOutages(db: Queryable, spec: { count: number; days: number }): Promise<void> {
  await db.query(
    `INSERT INTO outages (id, started_at, ended_at, scheduled, force_majeure, cause)
     SELECT 'out_' || o, t.at, t.at + (10 + o % 51) * interval '1 minute', o % 10 = 0, false, 'bench outage ' || o
       FROM generate_series(1, $1::bigint) AS o,
            LATERAL (SELECT ${EPOCH} + ((o * 0.6180339887498949) % 1) * ($2::int * interval '1 day') AS at) t`,
    [spec.count, spec.days],
  );
}

/** Fresh planner statistics and visibility map for the ledger tables after a bulk load. */
export async function vacuumAnalyzeLedger(db: Queryable): Promise<void> {
  await db.query('VACUUM (ANALYZE) accounts, usage_requests, charges, outages');
}

const LEDGER_TABLES = ['usage_requests', 'charges', 'outages'] as const;

/** Row count and on-disk size (with indexes) of each ledger table. */
export async function ledgerTableSizes(db: Queryable): Promise<{ rel: string; n: number; size: string }[]> {
  const sizes: { rel: string; n: number; size: string }[] = [];
  for (const rel of LEDGER_TABLES) {
    const { rows } = await db.query<{ n: string; size: string }>(
      `SELECT (SELECT count(*) FROM ${rel}) AS n, pg_size_pretty(pg_total_relation_size($1::regclass)) AS size`,
      [rel],
    );
    sizes.push({ rel, n: Number(rows[0]!.n), size: rows[0]!.size });
  }
  return sizes;
}

/** A server setting as PostgreSQL shows it, e.g. "128MB" for shared_buffers. */
export async function serverSetting(db: Queryable, name: string): Promise<string> {
  const { rows } = await db.query<{ value: string }>('SELECT current_setting($1) AS value', [name]);
  return rows[0]!.value;
}

/** Runs `sql` under EXPLAIN with the given options (e.g. "ANALYZE, BUFFERS, FORMAT JSON") and returns the plan rows. */
export async function explain<R extends Record<string, unknown>>(
  db: Queryable,
  options: string,
  sql: string,
  params: unknown[],
): Promise<R[]> {
  const { rows } = await db.query<R>(`EXPLAIN (${options}) ${sql}`, params);
  return rows;
}

/** `${prefix}_0` … `${prefix}_{count-1}` (emails `${prefix}_i@bench.example`), all on one policy: claimants for npm run bench. */
export async function insertNumberedAccounts(
  db: Queryable,
  spec: { prefix: string; count: number; policyId: string },
): Promise<void> {
  await db.query(
    `INSERT INTO accounts (id, email, policy_id)
     SELECT $1 || '_' || i, $1 || '_' || i || '@bench.example', $3 FROM generate_series(0, $2::int - 1) i
     ON CONFLICT (id) DO NOTHING`,
    [spec.prefix, spec.count, spec.policyId],
  );
}
