import type { Deadline } from '../common/claim';
import { withTransaction } from '../db';
import { getClaim } from '../db/claims';
import { recordEscalation } from '../db/escalations';
import { appendClaimEvent } from '../db/events';
import { notifiedKeys, recordNotification, wasNotified } from '../db/notifications';
import type { OutgoingMail } from '../adapters/mailer';
import {
  DEFAULT_MAIL_DOMAIN,
  extendThread,
  loadMailThread,
  notificationMessageId,
  threadedCustomerMail,
} from './customer-mail';
import { recordAfterSend } from './record-after-send';
import type { ActivityDeps as Deps } from './deps';
import { renderStaffMail, type CustomerNotice } from './emails';

export function createNotificationActivities(deps: Deps) {
  const { db, mailer, staffMailboxes } = deps;
  const mailDomain = deps.mail?.mta ?? DEFAULT_MAIL_DOMAIN;
  /**
   * Sends at most once per (claim, key): a retried activity finds the row and does not mail again. A crash between
   * SMTP's acceptance and the row sends it again with the same Message-ID, so the mail store keeps one copy.
   */
  async function sendOnce(claimId: string, key: string, mail: OutgoingMail): Promise<void> {
    if (await wasNotified(db, claimId, key)) return;
    await sendAndRecord(claimId, key, mail);
  }

  /** Sends one mail and records it under its key; returns the Message-ID it went out with. */
  async function sendAndRecord(claimId: string, key: string, mail: OutgoingMail): Promise<string> {
    const messageId = await mailer.send({
      ...mail,
      messageId: mail.messageId ?? notificationMessageId(claimId, key, mailDomain),
    });
    await recordAfterSend(() =>
      recordNotification(db, { claimId, dedupeKey: key, recipient: mail.to, subject: mail.subject, messageId }),
    );
    return messageId;
  }

  /** Customer mails in order, each at most once; what they need is read once for the batch, not once per mail. */
  async function sendCustomerBatch(claimId: string, mails: { key: string; notice: CustomerNotice }[]): Promise<void> {
    const claim = await getClaim(db, claimId);
    const sent = await notifiedKeys(
      db,
      claimId,
      mails.map((m) => m.key),
    );
    const pending = mails.filter((m) => !sent.has(m.key));
    if (pending.length === 0) return;
    const thread = await loadMailThread(
      deps,
      claim,
      pending.map((m) => m.notice),
    );
    for (const { key, notice } of pending)
      extendThread(thread, await sendAndRecord(claimId, key, threadedCustomerMail(deps, claim, key, notice, thread)));
  }

  return {
    async notifyCustomer(input: { claimId: string; key: string; notice: CustomerNotice }): Promise<void> {
      await sendCustomerBatch(input.claimId, [{ key: input.key, notice: input.notice }]);
    },

    /** Sends queued customer mails in order, each at most once: a retry skips those already sent. */
    async sendCustomerMails(input: { claimId: string; mails: { key: string; notice: CustomerNotice }[] }) {
      await sendCustomerBatch(input.claimId, input.mails);
    },

    /** A lead is warned before a deadline; an escalation marks the case and alerts the lead or finance. */
    async alertStaff(input: {
      claimId: string;
      eventKey: string;
      template: 'review_warning' | 'escalation';
      audience: 'lead' | 'finance';
      deadline: Deadline;
    }): Promise<void> {
      const { claimId, deadline, template, audience } = input;
      await withTransaction(db, async (tx) => {
        await appendClaimEvent(tx, {
          claimId,
          eventKey: input.eventKey,
          type: template === 'escalation' ? `escalated_to_${audience}` : 'lead_warned',
          actor: { type: 'timer', id: `sla:${deadline.kind}` },
          why: `${deadline.kind} deadline ${deadline.dueAt} (${deadline.businessDays} business days, ${deadline.clause})`,
          data: { deadline },
        });
        if (template === 'escalation') await recordEscalation(tx, claimId, audience, deadline.kind);
      });
      const claim = await getClaim(db, claimId);
      await sendOnce(claimId, input.eventKey, renderStaffMail(staffMailboxes[audience], claim, { template, deadline }));
    },
  };
}
