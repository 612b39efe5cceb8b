/**
 * Open claims generated inside PostgreSQL for the console's queue benchmark (bench/console-queue.ts): claim i
 * belongs to acct_{i % accounts} (see synthetic-ledger.ts), claims two of its requests, and has its SLA deadlines.
 */
import type { Queryable } from './index';

/** Open statuses in the proportions a busy desk might show: mostly waiting for a decision. */
const STATUS_OF = `CASE WHEN i % 10 < 7 THEN 'in_review' WHEN i % 10 < 9 THEN 'awaiting_customer' ELSE 'awaiting_payout' END`;

/** Claims clm_bench_1 … clm_bench_{count}, pinned to `policy`'s version, submitted over the last 20 days. */
export async function insertSyntheticOpenClaims(
  db: Queryable,
  spec: { count: number; accounts: number; policyId: string; policyVersion: string },
): Promise<void> {
  await db.query(
    `INSERT INTO claims (id, account_id, policy_id, policy_version, channel, reason, request_ids, explanation, status,
                         escalated_at, escalation_level, submitted_at)
     SELECT 'clm_bench_' || i, 'acct_' || (i % $2), $3, $4, CASE WHEN i % 5 = 0 THEN 'email' ELSE 'api' END, 'failed_request',
            ARRAY['req_' || md5((2 * i)::text), 'req_' || md5((2 * i + 1)::text)], 'Two calls failed.', ${STATUS_OF},
            CASE WHEN i % 13 = 0 THEN now() - interval '1 day' END, CASE WHEN i % 13 = 0 THEN 'lead' END,
            now() - (i % 20) * interval '1 day'
       FROM generate_series(1, $1::int) AS i`,
    [spec.count, spec.accounts, spec.policyId, spec.policyVersion],
  );
  await db.query(
    `INSERT INTO claim_deadlines (claim_id, kind, due_at, business_days, clause, state)
     SELECT c.id, k.kind, c.submitted_at + k.days * interval '1 day', k.days, '§5.3', 'open'
       FROM claims c, (VALUES ('review_warning', 11), ('review', 14), ('resolution', 14)) AS k (kind, days)
      WHERE c.id LIKE 'clm_bench_%'`,
  );
}
