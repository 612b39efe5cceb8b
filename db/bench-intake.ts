import type { Queryable } from './index';

/** Accounts `<prefix>0` … for the intake benchmark (bench/intake-latency.ts); existing ones are kept. */
export async function insertIntakeBenchAccounts(
  db: Queryable,
  prefix: string,
  count: number,
  policyId: string,
): Promise<string[]> {
  const { rows } = await db.query<{ id: string }>(
    `INSERT INTO accounts (id, email, policy_id)
     SELECT $1 || i, $1 || i || '@intake-bench.example', $3 FROM generate_series(0, $2::int - 1) i
     ON CONFLICT (id) DO UPDATE SET policy_id = EXCLUDED.policy_id
     RETURNING id`,
    [prefix, count, policyId],
  );
  return rows.map((r) => r.id);
}
