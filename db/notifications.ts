import type { Queryable } from './index';

/** Whether the claim's mail with this dedupe key was already sent. */
export async function wasNotified(db: Queryable, claimId: string, dedupeKey: string): Promise<boolean> {
  const { rowCount } = await db.query('SELECT 1 FROM notifications WHERE claim_id = $1 AND dedupe_key = $2', [
    claimId,
    dedupeKey,
  ]);
  return Boolean(rowCount);
}

/** Which of these dedupe keys the claim's mails were already sent under. */
export async function notifiedKeys(db: Queryable, claimId: string, dedupeKeys: string[]): Promise<Set<string>> {
  const { rows } = await db.query<{ dedupe_key: string }>(
    'SELECT dedupe_key FROM notifications WHERE claim_id = $1 AND dedupe_key = ANY($2::text[])',
    [claimId, dedupeKeys],
  );
  return new Set(rows.map((r) => r.dedupe_key));
}

/** Records a sent mail under its dedupe key; a concurrent duplicate is ignored. */
export async function recordNotification(
  db: Queryable,
  sent: { claimId: string; dedupeKey: string; recipient: string; subject: string; messageId: string },
): Promise<void> {
  await db.query(
    `INSERT INTO notifications (claim_id, dedupe_key, recipient, subject, message_id) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT DO NOTHING`,
    [sent.claimId, sent.dedupeKey, sent.recipient, sent.subject, sent.messageId],
  );
}
