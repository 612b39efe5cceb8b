import { createHash } from 'node:crypto';
import type { ClaimRecord } from '../db/claims';
import { claimCreditExpiry, threadMessageIds } from '../db/mail';
import { claimToken } from '../domain/claim-token';
import { claimReplyAddress } from '../domain/email/reply-address';
import type { ActivityDeps } from './deps';
import { renderCustomerMail, type CustomerNotice } from './emails';
import type { OutgoingMail } from '../adapters/mailer';

/** References kept in a long thread: the first message and the latest ones, as RFC 5322 suggests. */
const MAX_REFERENCES = 10;

/** The support address mail for this policy goes to and comes from: the deployment's, else the pack's. */
export function supportAddress(deps: Pick<ActivityDeps, 'policies' | 'mail'>, policyId: string): string | null {
  return deps.mail?.addressOverrides[policyId] ?? deps.policies.current(policyId)?.pack.mailIntake?.address ?? null;
}

/** The Message-ID domain when the email channel is not configured (MAIL_HOSTNAME's default). */
export const DEFAULT_MAIL_DOMAIN = 'refund-desk.local';

/** A Message-ID derived from the case (claim or chargeback) and the notification key, so a retried send carries the same one. */
export function notificationMessageId(caseId: string, key: string, domain: string): string {
  return `<${caseId.toLowerCase()}.${createHash('sha256').update(key).digest('hex').slice(0, 16)}@${domain}>`;
}

/** The customer status page of a claim, with its token. */
export function statusPageUrl(deps: Pick<ActivityDeps, 'mail'>, claimId: string): string | null {
  if (!deps.mail) return null;
  return `${deps.mail.publicUrl.replace(/\/+$/, '')}/claims/${claimId}?token=${claimToken(deps.mail.tokenSecret, claimId)}`;
}

/** What a batch of customer mails reads once: the credit's expiry and the thread so far, which each sent mail extends. */
export interface MailThread {
  creditExpiresAt: string | null;
  /** Message-IDs of the claim's thread, oldest first, without angle brackets. */
  messageIds: string[];
}

const mentionsCredit = (notice: CustomerNotice) => notice.template === 'money_sent' || notice.template === 'decision';

/** Reads what `notices` need of the claim's thread, once for the whole batch. */
export async function loadMailThread(
  deps: ActivityDeps,
  claim: ClaimRecord,
  notices: CustomerNotice[],
): Promise<MailThread> {
  const threaded = Boolean(deps.mail && supportAddress(deps, claim.policyId));
  const [creditExpiresAt, messageIds] = await Promise.all([
    notices.some(mentionsCredit) ? claimCreditExpiry(deps.db, claim.claimId) : null,
    threaded ? threadMessageIds(deps.db, claim.claimId) : [],
  ]);
  return { creditExpiresAt, messageIds };
}

/** Adds a sent mail to the thread, so the batch's next mail replies to it. */
export function extendThread(thread: MailThread, messageId: string): void {
  thread.messageIds.push(messageId.replace(/^<|>$/g, ''));
}

/**
 * A customer mail in the claim's one thread: its own Message-ID, In-Reply-To the latest mail of the thread,
 * References to the thread, the claim's reply address, and Auto-Submitted so that auto-responders stay quiet.
 */
export function threadedCustomerMail(
  deps: ActivityDeps,
  claim: ClaimRecord,
  key: string,
  notice: CustomerNotice,
  thread: MailThread,
): OutgoingMail {
  const policy = deps.policies.current(claim.policyId);
  const mail = renderCustomerMail(claim, notice, {
    timeZone: policy?.pack.calendar.timeZone ?? 'UTC',
    statusUrl: statusPageUrl(deps, claim.claimId),
    creditExpiresAt: mentionsCredit(notice) ? thread.creditExpiresAt : null,
  });
  const support = supportAddress(deps, claim.policyId);
  if (!support || !deps.mail) return mail;
  const ids = thread.messageIds.map((id) => `<${id}>`);
  const references = ids.length > MAX_REFERENCES ? [ids[0]!, ...ids.slice(-(MAX_REFERENCES - 1))] : ids;
  return {
    ...mail,
    from: `Refund Desk <${support}>`,
    messageId: notificationMessageId(claim.claimId, key, support.split('@')[1]!),
    ...(ids.length ? { inReplyTo: ids[ids.length - 1]!, references } : {}),
    replyTo: claimReplyAddress(deps.mail.tokenSecret, support, claim.claimId),
    headers: { 'Auto-Submitted': 'auto-replied' },
  };
}
