import { withTransaction, type Db } from '../../db';

/**
 * Writes failed usage requests of `amountMinor` as rows from before migration 014 could hold them: its range check
 * is NOT VALID, so such rows may exist. The check is lifted and put back NOT VALID in the same transaction.
 */
export async function insertPreRangeRequests(db: Db, accountId: string, ids: string[], amountMinor: number | string) {
  await withTransaction(db, async (tx) => {
    await tx.query('ALTER TABLE usage_requests DROP CONSTRAINT usage_requests_amount_range_check');
    await tx.query(
      `INSERT INTO usage_requests (request_id, account_id, endpoint, http_status, outcome, amount_minor, currency,
                                   output_delivered, started_at, completed_at)
       SELECT id, $2, '/v1/generate', 500, 'error', $3::bigint, 'USD', false, now() - interval '1 day', now() - interval '1 day'
         FROM unnest($1::text[]) id`,
      [ids, accountId, amountMinor],
    );
    await tx.query(
      'ALTER TABLE usage_requests ADD CONSTRAINT usage_requests_amount_range_check CHECK (amount_minor <= 1000000000000) NOT VALID',
    );
  });
}
