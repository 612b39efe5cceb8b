import type { Queryable } from './index';

/** Whose charge a transaction id is, and when it was made (a purchase grant is dated by it). */
export async function findChargeOwner(
  db: Queryable,
  transactionId: string,
): Promise<{ accountId: string; createdAt: Date } | undefined> {
  const { rows } = await db.query<{ account_id: string; created_at: Date }>(
    'SELECT account_id, created_at FROM charges WHERE transaction_id = $1',
    [transactionId],
  );
  return rows[0] && { accountId: rows[0].account_id, createdAt: rows[0].created_at };
}
