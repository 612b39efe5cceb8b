import type { ClaimItem, Decision, Deadline } from '../common/claim';
import { formatMoney } from '../common/money';
import type { ClaimRecord } from '../db/claims';
import type { OutgoingMail } from '../adapters/mailer';

export type CustomerNotice =
  | { template: 'acknowledgement' }
  | { template: 'info_request'; missing: ClaimItem[]; message: string | null; replyBy: string }
  | { template: 'decision'; decision: Decision }
  | { template: 'money_sent'; decision: Decision }
  | { template: 'withdrawn' }
  | { template: 'abandoned' };

export type StaffNotice =
  | { template: 'review_warning'; deadline: Deadline }
  | { template: 'escalation'; deadline: Deadline };

const ITEM_LABELS: Record<ClaimItem, string> = {
  request_ids: 'the API request ids of the affected calls',
  transaction_or_invoice: 'the transaction id or invoice number of the charge',
  explanation: 'a detailed explanation of the issue',
  account_email: 'the email address of your account',
};

function describeDecision(d: Decision): string {
  const reasons = d.reasons.map((r) => `- ${r.message}\n  Policy ${r.clause}: "${r.quote}"`).join('\n');
  const amount = d.outcome === 'denied' ? '' : `Amount: ${formatMoney(d.amount)} as ${d.remedy.replace('_', ' ')}.\n`;
  return `Outcome: ${d.outcome.replace('_', ' ')}.\n${amount}\nWhy:\n${reasons}`;
}

export function renderCustomerMail(claim: ClaimRecord, notice: CustomerNotice): OutgoingMail {
  const ref = `claim ${claim.claimId}`;
  const to = claim.accountEmail;
  switch (notice.template) {
    case 'acknowledgement':
      return { to, subject: `We received your refund ${ref}`, text: `We received your refund ${ref} (${claim.reason.replace('_', ' ')}) and are checking it against our usage records.` };
    case 'info_request':
      return {
        to,
        subject: `We need more information for ${ref}`,
        text:
          `To decide your ${ref} we need:\n${notice.missing.map((m) => `- ${ITEM_LABELS[m]}`).join('\n')}\n` +
          (notice.message ? `\nMessage from support: ${notice.message}\n` : '') +
          `\nPlease reply by ${notice.replyBy}; without a reply the claim will be closed as abandoned.`,
      };
    case 'decision':
      return { to, subject: `Decision on your ${ref}: ${notice.decision.outcome.replace('_', ' ')}`, text: describeDecision(notice.decision) };
    case 'money_sent':
      return {
        to,
        subject: `Your ${notice.decision.remedy === 'refund' ? 'refund' : 'credit'} for ${ref} has been sent`,
        text: notice.decision.remedy === 'refund'
          ? `${formatMoney(notice.decision.amount)} has been refunded to your original payment method.`
          : `${formatMoney(notice.decision.amount)} has been credited to your account.`,
      };
    case 'withdrawn':
      return { to, subject: `Your ${ref} was withdrawn`, text: `As you asked, your ${ref} has been withdrawn. Nothing more will happen to it.` };
    case 'abandoned':
      return { to, subject: `Your ${ref} was closed`, text: `We did not receive the information we asked for in time, so your ${ref} has been closed as abandoned.` };
  }
}

export function renderStaffMail(to: string, claim: ClaimRecord, notice: StaffNotice): OutgoingMail {
  const what = notice.deadline.kind.replace('_', ' ');
  return notice.template === 'review_warning'
    ? { to, subject: `Warning: ${claim.claimId} is nearing its review deadline`, text: `Claim ${claim.claimId} is still undecided; its ${what} deadline (policy ${notice.deadline.clause}) approaches.` }
    : { to, subject: `Escalated: ${claim.claimId} missed its ${what} deadline`, text: `Claim ${claim.claimId} passed its ${what} deadline of ${notice.deadline.dueAt} (${notice.deadline.businessDays} business days, policy ${notice.deadline.clause}).` };
}
