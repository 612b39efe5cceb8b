import { ApplicationFailure } from '@temporalio/activity';
import type { DeliveryResult } from '../adapters/webhooks-out';
import { getAccountView } from '../db/account-status';
import { appendChargebackEvent, chargebackMailSent, getChargeback, recordChargebackMail } from '../db/chargebacks';
import type { ChargebackDeadline } from '../domain/chargebacks';
import type { ChargebackAdapters } from './chargeback-adapters';
import {
  renderChargebackCustomerMail,
  renderChargebackStaffMail,
  type ChargebackCustomerNotice,
} from './chargeback-mails';
import type { ActivityDeps } from './deps';
import type { OutgoingMail } from '../adapters/mailer';
import { DEFAULT_MAIL_DOMAIN, notificationMessageId } from './customer-mail';
import { recordAfterSend } from './record-after-send';

/** The platform events a chargeback emits (Standard Webhooks `type`). */
export type PlatformEventType =
  | 'account.suspended'
  | 'account.reinstated'
  | 'account.terminated'
  | 'chargeback.opened'
  | 'chargeback.accepted'
  | 'chargeback.contested'
  | 'chargeback.won'
  | 'chargeback.lost'
  | 'chargeback.closed';

/** Mail to customers and staff, and signed events to the platform, for a chargeback case. */
export function createChargebackNoticeActivities(deps: ActivityDeps, adapters: ChargebackAdapters) {
  const { db, mailer, staffMailboxes } = deps;
  const mailDomain = deps.mail?.mta ?? DEFAULT_MAIL_DOMAIN;

  /**
   * Sends at most once per key. A crash between SMTP's acceptance and the record sends it again, with the same
   * Message-ID, so the receiving mail store keeps one copy.
   */
  async function sendOnce(chargebackId: string, key: string, mail: OutgoingMail): Promise<void> {
    if (await chargebackMailSent(db, chargebackId, key)) return;
    const messageId = await mailer.send({ ...mail, messageId: notificationMessageId(chargebackId, key, mailDomain) });
    await recordAfterSend(() => recordChargebackMail(db, chargebackId, key, mail, messageId));
  }

  return {
    /** Mails the account holder once per key; unmatched cases have no one to tell. */
    async notifyChargebackCustomer(input: {
      chargebackId: string;
      key: string;
      notice: ChargebackCustomerNotice;
    }): Promise<boolean> {
      const record = await getChargeback(db, input.chargebackId);
      const account = record?.accountId ? await getAccountView(db, record.accountId) : undefined;
      if (!record || !account) return false;
      await sendOnce(
        record.id,
        input.key,
        renderChargebackCustomerMail(account.email, record.id, record.amount, input.notice),
      );
      return true;
    },

    /** Records why staff are needed, then mails them (admin alerts go to the lead mailbox, marked [admin]). */
    async alertChargebackStaff(input: {
      chargebackId: string;
      eventKey: string;
      audience: 'lead' | 'finance' | 'admin';
      type: string;
      why: string;
      clause?: string | null;
      deadline?: ChargebackDeadline;
      timer?: boolean;
    }): Promise<void> {
      await appendChargebackEvent(db, {
        chargebackId: input.chargebackId,
        eventKey: input.eventKey,
        type: input.type,
        actor:
          input.timer && input.deadline
            ? { type: 'timer', id: `chargeback:${input.deadline.kind}` }
            : { type: 'system', id: 'chargeback-workflow' },
        why: input.why,
        clause: input.clause ?? input.deadline?.clause ?? null,
        data: { audience: input.audience, deadline: input.deadline ?? null },
      });
      const to = input.audience === 'finance' ? staffMailboxes.finance : staffMailboxes.lead;
      await sendOnce(
        input.chargebackId,
        input.eventKey,
        renderChargebackStaffMail(to, input.chargebackId, input.audience, input.type, input.why),
      );
    },

    /** Tells the platform, signed per Standard Webhooks; the payload is fixed when first stored, so retries resend it unchanged. */
    async notifyPlatform(input: {
      messageId: string;
      type: PlatformEventType;
      chargebackId: string;
    }): Promise<DeliveryResult> {
      const record = await getChargeback(db, input.chargebackId);
      if (!record) throw ApplicationFailure.nonRetryable(`no chargeback ${input.chargebackId}`, 'ChargebackUnknown');
      const account = record.accountId ? await getAccountView(db, record.accountId) : undefined;
      return adapters.platformWebhooks.send({
        messageId: input.messageId,
        type: input.type,
        data: {
          chargebackId: record.id,
          processor: record.processor,
          disputeId: record.disputeId,
          status: record.status,
          outcome: record.outcome,
          amount: record.amount,
          reason: record.reason,
          dueBy: record.dueBy,
          transactionId: record.transactionId,
          account: account
            ? { id: account.id, status: account.status, reason: account.statusReason, clause: account.statusClause }
            : null,
        },
      });
    },
  };
}
