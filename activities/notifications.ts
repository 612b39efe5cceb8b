import { withTransaction } from '../db';
import { getClaim } from '../db/claims';
import { markDeadlineFired, recordDeadlineFirings } from '../db/deadline-sweep';
import { notifiedKeys, recordNotification, wasNotified } from '../db/notifications';
import type { OutgoingMail } from '../adapters/mailer';
import {
  DEFAULT_MAIL_DOMAIN,
  extendThread,
  loadMailThread,
  notificationMessageId,
  threadedCustomerMail,
} from './customer-mail';
import { createClaimMover, type ClaimMove, type MoveResult } from './claim-steps';
import { recordAfterSend } from './record-after-send';
import type { ActivityDeps as Deps } from './deps';
import { deadlineFiring, type StaffAlert } from './deadline-firing';
import { renderStaffMail, type CustomerNotice } from './emails';

/**
 * Sends at most once per (claim, key): a retried activity finds the row and does not mail again. A crash between
 * SMTP's acceptance and the row sends it again with the same Message-ID, so the mail store keeps one copy.
 */
export function createSentMail(deps: Pick<Deps, 'db' | 'mailer' | 'mail'>) {
  const { db, mailer } = deps;
  const mailDomain = deps.mail?.mta ?? DEFAULT_MAIL_DOMAIN;

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

  async function sendOnce(claimId: string, key: string, mail: OutgoingMail): Promise<void> {
    if (await wasNotified(db, claimId, key)) return;
    await sendAndRecord(claimId, key, mail);
  }

  return { sendAndRecord, sendOnce };
}

/** The staff alert of a fired deadline, sent once under its key. */
export function createStaffAlerts(deps: Deps) {
  const { db, staffMailboxes } = deps;
  const { sendOnce } = createSentMail(deps);
  return async function alertStaff(claimId: string, key: string, firing: StaffAlert) {
    const claim = await getClaim(db, claimId);
    const { deadline, template, audience } = firing;
    await sendOnce(claimId, key, renderStaffMail(staffMailboxes[audience], claim, { template, deadline }));
  };
}

export function createNotificationActivities(deps: Deps) {
  const { db } = deps;
  const { sendAndRecord } = createSentMail(deps);
  const sendStaffAlert = createStaffAlerts(deps);
  const moveClaim = createClaimMover(deps);

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

    /**
     * The last mails of a stretch, then the claim's move (e.g. to closed) once they are out, as one activity: the
     * two always run together, so the claim moves in the same workflow task as its mails. A retry sends no mail
     * twice and the move's event keys come from the workflow.
     */
    async sendMailsThenMove(input: {
      claimId: string;
      mails: { key: string; notice: CustomerNotice }[];
      move: ClaimMove;
    }): Promise<MoveResult> {
      await sendCustomerBatch(input.claimId, input.mails);
      return moveClaim(input.move);
    },

    /**
     * The claim workflow's timer fired a deadline: a lead is warned before it; an escalation marks the case and alerts
     * the lead or finance. The deadline sweep usually fired it first, and then this records and sends nothing.
     */
    async alertStaff(input: StaffAlert & { claimId: string; eventKey: string }): Promise<void> {
      const { claimId, deadline } = input;
      const firedBy = await withTransaction(db, async (tx) => {
        const by = await markDeadlineFired(tx, claimId, deadline);
        if (by !== 'sweep') await recordDeadlineFirings(tx, [deadlineFiring(input)]);
        return by;
      });
      if (firedBy !== 'sweep') await sendStaffAlert(claimId, input.eventKey, input);
    },
  };
}
