import type { Queryable } from './index';

/** One mail the desk sent the customer about a claim. */
export interface CustomerMail {
  key: string;
  recipient: string;
  subject: string;
  sentAt: string;
}

/** The mails sent to the customer about this claim, oldest first. */
export async function listCustomerMails(db: Queryable, claimId: string): Promise<CustomerMail[]> {
  const { rows } = await db.query<{ dedupe_key: string; recipient: string; subject: string; sent_at: Date }>(
    'SELECT dedupe_key, recipient, subject, sent_at FROM notifications WHERE claim_id = $1 ORDER BY sent_at, dedupe_key',
    [claimId],
  );
  return rows.map((r) => ({
    key: r.dedupe_key,
    recipient: r.recipient,
    subject: r.subject,
    sentAt: r.sent_at.toISOString(),
  }));
}
