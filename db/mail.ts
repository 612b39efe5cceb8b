import { subjectOfHeaders } from '../domain/email/header-subject';
import type { Queryable } from './index';

/** The SMTP envelope and connection of one inbound message, kept beside its raw bytes. */
export interface MailEnvelope {
  mailFrom: string;
  rcptTo: string[];
  remoteAddress: string;
  clientHostname: string;
  helo: string;
}

export type InboundMailState = 'stored' | 'processed' | 'ignored' | 'unprocessable' | 'awaiting_confirmation';

export interface StoredMail {
  mailId: string;
  sha256: string;
  /** True when this message (same hash or same Message-ID) was already stored. */
  duplicate: boolean;
}

/** Stores the raw message once; the same bytes or the same Message-ID delivered again return the first row. */
export async function storeInboundMail(
  db: Queryable,
  m: { raw: Buffer; sha256: string; messageId: string | null; envelope: MailEnvelope },
): Promise<StoredMail> {
  const inserted = await db.query<{ id: string }>(
    `INSERT INTO inbound_mails (sha256, message_id, raw, size, envelope) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT DO NOTHING RETURNING id`,
    [m.sha256, m.messageId, m.raw, m.raw.length, m.envelope],
  );
  if (inserted.rows[0]) return { mailId: inserted.rows[0].id, sha256: m.sha256, duplicate: false };
  const { rows } = await db.query<{ id: string; sha256: string }>(
    'SELECT id, sha256 FROM inbound_mails WHERE sha256 = $1 OR ($2::text IS NOT NULL AND message_id = $2) ORDER BY id LIMIT 1',
    [m.sha256, m.messageId],
  );
  if (!rows[0]) throw new Error('inbound mail conflicted but no row was found');
  return { mailId: rows[0].id, sha256: rows[0].sha256, duplicate: true };
}

/** How many messages this envelope sender sent within the last `seconds`. */
export async function countRecentMailsFrom(db: Queryable, sender: string, seconds: number): Promise<number> {
  const { rows } = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM inbound_mails
      WHERE lower(envelope ->> 'mailFrom') = lower($1) AND received_at > now() - make_interval(secs => $2)`,
    [sender, seconds],
  );
  return rows[0]?.n ?? 0;
}

export interface InboundMail {
  mailId: string;
  sha256: string;
  messageId: string | null;
  raw: Buffer;
  envelope: MailEnvelope;
  receivedAt: string;
  state: InboundMailState;
  claimId: string | null;
}

export async function loadInboundMail(db: Queryable, mailId: string): Promise<InboundMail> {
  const { rows } = await db.query<{
    id: string;
    sha256: string;
    message_id: string | null;
    raw: Buffer;
    envelope: MailEnvelope;
    received_at: Date;
    state: InboundMailState;
    claim_id: string | null;
  }>('SELECT id, sha256, message_id, raw, envelope, received_at, state, claim_id FROM inbound_mails WHERE id = $1', [
    mailId,
  ]);
  const r = rows[0];
  if (!r) throw new Error(`no inbound mail ${mailId}`);
  return {
    mailId: r.id,
    sha256: r.sha256,
    messageId: r.message_id,
    raw: r.raw,
    envelope: r.envelope,
    receivedAt: r.received_at.toISOString(),
    state: r.state,
    claimId: r.claim_id,
  };
}

/** Stored messages whose processing never started (the server stopped between 250 and the workflow start). */
export async function listUnstartedMails(db: Queryable): Promise<{ mailId: string; sha256: string }[]> {
  const { rows } = await db.query<{ id: string; sha256: string }>(
    `SELECT id, sha256 FROM inbound_mails WHERE state = 'stored' ORDER BY id`,
  );
  return rows.map((r) => ({ mailId: r.id, sha256: r.sha256 }));
}

export async function recordMailAuth(db: Queryable, mailId: string, auth: unknown): Promise<void> {
  await db.query('UPDATE inbound_mails SET auth = $2 WHERE id = $1', [mailId, JSON.stringify(auth)]);
}

/** Where a message ended: processed into a claim, ignored (auto-reply, bounce) or queued for staff as unprocessable. */
export async function settleInboundMail(
  db: Queryable,
  mailId: string,
  s: { state: InboundMailState; outcome: string; reason?: string | null; claimId?: string | null },
): Promise<void> {
  await db.query(
    `UPDATE inbound_mails SET state = $2, outcome = $3, reason = $4, claim_id = coalesce($5, claim_id),
            processed_at = CASE WHEN $2 = 'awaiting_confirmation' THEN NULL ELSE now() END
      WHERE id = $1`,
    [mailId, s.state, s.outcome, s.reason ?? null, s.claimId ?? null],
  );
}

/** The claim a thread belongs to: a Message-ID we sent for it, or one of the customer's mails about it. */
export async function claimForMessageIds(db: Queryable, messageIds: string[]): Promise<string | null> {
  if (!messageIds.length) return null;
  const { rows } = await db.query<{ claim_id: string }>(
    `SELECT claim_id FROM notifications WHERE lower(btrim(message_id, '<>')) = ANY($1::text[])
     UNION ALL
     SELECT claim_id FROM inbound_mails WHERE message_id = ANY($1::text[]) AND claim_id IS NOT NULL
     LIMIT 1`,
    [messageIds.map((id) => id.toLowerCase())],
  );
  return rows[0]?.claim_id ?? null;
}

/** Every Message-ID of a claim's thread, oldest first: the customer's mails and ours. */
export async function threadMessageIds(db: Queryable, claimId: string): Promise<string[]> {
  const { rows } = await db.query<{ message_id: string }>(
    `SELECT message_id FROM (
       SELECT btrim(message_id, '<>') AS message_id, sent_at AS at FROM notifications WHERE claim_id = $1 AND message_id IS NOT NULL
       UNION ALL
       SELECT message_id, received_at AS at FROM inbound_mails WHERE claim_id = $1 AND message_id IS NOT NULL
     ) thread ORDER BY at`,
    [claimId],
  );
  return rows.map((r) => r.message_id);
}

/** Marks our notification with that Message-ID as bounced; returns its claim, if one was ours. */
export async function recordBounce(db: Queryable, messageIds: string[], reason: string): Promise<string | null> {
  if (!messageIds.length) return null;
  const { rows } = await db.query<{ claim_id: string }>(
    `UPDATE notifications SET bounced_at = coalesce(bounced_at, now()), bounce_reason = coalesce(bounce_reason, $2)
      WHERE lower(btrim(message_id, '<>')) = ANY($1::text[]) RETURNING claim_id`,
    [messageIds.map((id) => id.toLowerCase()), reason.slice(0, 2000)],
  );
  return rows[0]?.claim_id ?? null;
}

/** True the first time an address is answered on a given day; the database keeps it to one per day. */
export async function claimCourtesyReply(db: Queryable, address: string, mailId: string): Promise<boolean> {
  const { rowCount } = await db.query(
    `INSERT INTO mail_courtesy_replies (address, day, mail_id) VALUES (lower($1), current_date, $2) ON CONFLICT DO NOTHING`,
    [address, mailId],
  );
  return rowCount === 1;
}

export interface MailAttachment {
  filename: string | null;
  contentType: string;
  size: number;
  sha256: string;
  content: Buffer;
}

/** Stores a message's attachments once, linked to the claim they are evidence of. */
export async function saveMailAttachments(
  db: Queryable,
  mailId: string,
  attachments: MailAttachment[],
  claimId: string | null,
): Promise<void> {
  for (const [position, a] of attachments.entries()) {
    await db.query(
      `INSERT INTO mail_attachments (mail_id, position, filename, content_type, size, sha256, content, claim_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
       ON CONFLICT (mail_id, position) DO UPDATE SET claim_id = coalesce(mail_attachments.claim_id, EXCLUDED.claim_id)`,
      [mailId, position, a.filename, a.contentType, a.size, a.sha256, a.content, claimId],
    );
  }
}

/** The attachments a claim received by mail, without their content. */
export async function listClaimAttachments(db: Queryable, claimId: string): Promise<Omit<MailAttachment, 'content'>[]> {
  const { rows } = await db.query<{ filename: string | null; content_type: string; size: number; sha256: string }>(
    'SELECT filename, content_type, size, sha256 FROM mail_attachments WHERE claim_id = $1 ORDER BY mail_id, position',
    [claimId],
  );
  return rows.map((r) => ({ filename: r.filename, contentType: r.content_type, size: r.size, sha256: r.sha256 }));
}

export interface QueuedMail {
  mailId: string;
  receivedAt: string;
  from: string;
  to: string[];
  size: number;
  reason: string | null;
  /** The message's Subject header, decoded; null when it has none. */
  subject: string | null;
}

/** Bytes read from the start of each message to find its Subject; headers longer than this show no subject. */
const HEAD_BYTES = 16_384;

/** The staff queue of unprocessable mail, oldest first unless asked for the newest. */
export async function listUnprocessableMails(
  db: Queryable,
  limit = 100,
  order: 'oldest' | 'newest' = 'oldest',
): Promise<QueuedMail[]> {
  const { rows } = await db.query<{
    id: string;
    received_at: Date;
    envelope: MailEnvelope;
    size: number;
    reason: string | null;
    head: Buffer;
  }>(
    `SELECT id, received_at, envelope, size, reason, substring(raw from 1 for $2) AS head
       FROM inbound_mails WHERE state = 'unprocessable' ORDER BY received_at ${order === 'newest' ? 'DESC' : 'ASC'}, id LIMIT $1`,
    [limit, HEAD_BYTES],
  );
  return rows.map((r) => ({
    mailId: r.id,
    receivedAt: r.received_at.toISOString(),
    from: r.envelope.mailFrom,
    to: r.envelope.rcptTo,
    size: r.size,
    reason: r.reason,
    subject: subjectOfHeaders(r.head.toString('utf8')),
  }));
}

/** The account whose registered address this is. */
export async function findAccountByEmail(
  db: Queryable,
  email: string,
): Promise<{ accountId: string; email: string; policyId: string } | null> {
  const { rows } = await db.query<{ id: string; email: string; policy_id: string }>(
    'SELECT id, email, policy_id FROM accounts WHERE lower(email) = lower($1)',
    [email],
  );
  return rows[0] ? { accountId: rows[0].id, email: rows[0].email, policyId: rows[0].policy_id } : null;
}

/** When the credit a claim granted expires; null when it does not, or when no credit was granted yet. */
export async function claimCreditExpiry(db: Queryable, claimId: string): Promise<string | null> {
  const { rows } = await db.query<{ expires_at: Date | null }>(
    'SELECT expires_at FROM credits_issued WHERE claim_id = $1',
    [claimId],
  );
  return rows[0]?.expires_at?.toISOString() ?? null;
}
