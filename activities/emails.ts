import type { ClaimItem, Decision, Deadline } from '../common/claim';
import { formatMoney } from '../common/money';
import type { ClaimRecord } from '../db/claims';
import type { OutgoingMail } from '../adapters/mailer';
import { humanDate, humanDay } from '../domain/email/human-dates';
import { withoutStaffNames } from '../domain/staff-names';

export type CustomerNotice =
  | { template: 'acknowledgement' }
  | { template: 'info_request'; missing: ClaimItem[]; message: string | null; replyBy: string }
  | { template: 'in_review'; answerBy: string | null }
  | { template: 'decision'; decision: Decision }
  | { template: 'money_sent'; decision: Decision }
  | { template: 'withdrawn' }
  | { template: 'abandoned' };

export type StaffNotice =
  { template: 'review_warning'; deadline: Deadline } | { template: 'escalation'; deadline: Deadline };

/** What a customer mail needs besides the claim: the policy's zone, where the status page is, credit expiry. */
export interface CustomerMailContext {
  timeZone: string;
  statusUrl: string | null;
  creditExpiresAt: string | null;
}

/** A customer mail's words, before threading headers are added. */
export interface CustomerMailBody {
  subject: string;
  /** Paragraphs; a paragraph of lines starting with "- " is a list. */
  paragraphs: string[];
}

const ITEM_LABELS: Record<ClaimItem, string> = {
  request_ids: 'the API request ids of the affected calls (they look like req_…)',
  transaction_or_invoice: 'the transaction id or invoice number of the charge',
  explanation: 'a few sentences on what went wrong',
  account_email: 'the email address of your account',
};

const REASON_WORDS: Record<string, string> = {
  failed_request: 'failed API calls',
  billing_error: 'a billing error',
  duplicate_charge: 'a duplicate charge',
  service_outage: 'a service outage',
  unauthorized_charge: 'an unauthorized charge',
  dissatisfaction: 'dissatisfaction with the service',
  cancellation: 'a cancellation',
  other: 'your request',
};

const OUTCOME_WORDS: Record<Decision['outcome'], string> = {
  approved: 'approved',
  partially_approved: 'approved in part',
  denied: 'not approved',
};

const REMEDY_WORDS: Record<Decision['remedy'], string> = {
  credit: 'a credit to your account',
  service_credit: 'a service credit to your account',
  refund: 'a refund to your original payment method',
  none: 'no payment',
};

const list = (lines: string[]) => lines.map((l) => `- ${l}`).join('\n');

function decisionParagraphs(d: Decision, ctx: CustomerMailContext): string[] {
  const out: string[] = [];
  out.push(
    d.outcome === 'denied'
      ? 'We looked at your claim and could not approve it.'
      : `We approved ${formatMoney(d.amount)} as ${REMEDY_WORDS[d.remedy]}.`,
  );
  const items = d.findings.map(
    (f) =>
      `${f.requestId}: charged ${formatMoney(f.charged)}, ${f.refundable.amountMinor > 0 ? `${formatMoney(f.refundable)} back` : 'nothing back'} (${f.verdict.replace(/_/g, ' ')})`,
  );
  if (items.length) out.push(`The calls you listed:\n${list(items)}`);
  const text = (t: string) => withoutStaffNames(t, [d.decidedBy.id]);
  if (d.arithmetic.length) out.push(`How we worked out the amount:\n${list(d.arithmetic.map(text))}`);
  out.push(
    `Why, in the words of the policy:\n${list(d.reasons.map((r) => `${text(r.message)} (${r.clause}: "${r.quote}")`))}`,
  );
  if (d.note) out.push(`A note from the person who decided: ${d.note}`);
  if (d.remedy === 'refund' && d.outcome !== 'denied')
    out.push('Finance sends the refund next; we will write again when it is on its way.');
  if (ctx.creditExpiresAt && d.outcome !== 'denied' && d.remedy !== 'refund')
    out.push(`The credit can be used until ${humanDay(ctx.creditExpiresAt, ctx.timeZone)}.`);
  return out;
}

/** The words of each customer mail: no internal staff ids, dates as people write them, and the next step. */
export function customerMailBody(
  claim: ClaimRecord,
  notice: CustomerNotice,
  ctx: CustomerMailContext,
): CustomerMailBody {
  const ref = `claim ${claim.claimId}`;
  // Subjects show in previews and on lock screens: no claim id there (threading goes by headers and reply address).
  const about = 'claim';
  const when = (iso: string) => humanDate(iso, ctx.timeZone);
  switch (notice.template) {
    case 'acknowledgement': {
      const got = [
        ...(claim.requestIds.length
          ? [
              `${claim.requestIds.length} request id${claim.requestIds.length === 1 ? '' : 's'}: ${claim.requestIds.slice(0, 20).join(', ')}`,
            ]
          : []),
        ...(claim.transactionId ? [`transaction ${claim.transactionId}`] : []),
        ...(claim.invoiceNumber ? [`invoice ${claim.invoiceNumber}`] : []),
      ];
      return {
        subject: `We received your refund ${about}`,
        paragraphs: [
          `Thank you. We received your ${ref} about ${REASON_WORDS[claim.reason] ?? 'your request'} and are checking it against our usage records.`,
          ...(got.length ? [`What you sent us:\n${list(got)}`] : []),
          'We will write to you at every step. You do not need to do anything now.',
        ],
      };
    }
    case 'info_request':
      return {
        subject: `We need more information for your ${about}`,
        paragraphs: [
          `To decide your ${ref} we still need:\n${list(notice.missing.map((m) => ITEM_LABELS[m]))}`,
          ...(notice.message ? [`Our support team asks: ${notice.message}`] : []),
          `Just reply to this mail with the missing details, by ${when(notice.replyBy)}. Attachments are welcome.`,
          'If we do not hear from you by then, the claim will be closed.',
        ].filter((p) => !p.endsWith(':\n')),
      };
    case 'in_review':
      return {
        subject: `A person is now looking at your ${about}`,
        paragraphs: [
          `Your ${ref} needs a decision by a person on our support team, who has taken it over.`,
          notice.answerBy
            ? `You will hear from us by ${when(notice.answerBy)}.`
            : 'You will hear from us as soon as it is decided.',
        ],
      };
    case 'decision':
      return {
        subject: `Decision on your ${about}: ${OUTCOME_WORDS[notice.decision.outcome]}`,
        paragraphs: decisionParagraphs(notice.decision, ctx),
      };
    case 'money_sent': {
      const d = notice.decision;
      const expiry = ctx.creditExpiresAt
        ? ` It can be used until ${humanDay(ctx.creditExpiresAt, ctx.timeZone)}.`
        : ' It does not expire.';
      return {
        subject: `Your ${d.remedy === 'refund' ? 'refund' : 'credit'} for your ${about} has been sent`,
        paragraphs: [
          d.remedy === 'refund'
            ? `${formatMoney(d.amount)} has been refunded to your original payment method. Banks usually show it within a few business days.`
            : `${formatMoney(d.amount)} has been credited to your account.${expiry}`,
        ],
      };
    }
    case 'withdrawn':
      return {
        subject: `Your ${about} was withdrawn`,
        paragraphs: [`As you asked, your ${ref} has been withdrawn. Nothing more will happen to it.`],
      };
    case 'abandoned':
      return {
        subject: `Your ${about} was closed`,
        paragraphs: [
          `We did not receive the information we asked for in time, so your ${ref} has been closed. You are welcome to send a new claim.`,
        ],
      };
  }
}

const escapeHtml = (s: string): string =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

function htmlParagraph(p: string): string {
  const [first, ...rest] = p.split('\n');
  if (rest.length && rest.every((l) => l.startsWith('- '))) {
    return `<p>${escapeHtml(first!)}</p>\n<ul>${rest.map((l) => `<li>${escapeHtml(l.slice(2))}</li>`).join('')}</ul>`;
  }
  return `<p>${p.split('\n').map(escapeHtml).join('<br>')}</p>`;
}

/** The plain-text part and a simple HTML part of the same words, with the status page link. */
export function renderCustomerMail(claim: ClaimRecord, notice: CustomerNotice, ctx: CustomerMailContext): OutgoingMail {
  const body = customerMailBody(claim, notice, ctx);
  const link = ctx.statusUrl ? `Follow your claim at ${ctx.statusUrl}` : null;
  const closing = 'Refund Desk';
  const text = [...body.paragraphs, ...(link ? [link] : []), closing].join('\n\n');
  const html = [
    '<!doctype html><html><body style="font-family:sans-serif;line-height:1.4">',
    ...body.paragraphs.map(htmlParagraph),
    ...(ctx.statusUrl ? [`<p><a href="${escapeHtml(ctx.statusUrl)}">Follow your claim</a></p>`] : []),
    `<p>${closing}</p></body></html>`,
  ].join('\n');
  return { to: claim.accountEmail, subject: body.subject, text: `${text}\n`, html };
}

export function renderStaffMail(to: string, claim: ClaimRecord, notice: StaffNotice): OutgoingMail {
  const what = notice.deadline.kind.replace('_', ' ');
  return notice.template === 'review_warning'
    ? {
        to,
        subject: `Warning: ${claim.claimId} is nearing its review deadline`,
        text: `Claim ${claim.claimId} is still undecided; its ${what} deadline (policy ${notice.deadline.clause}) approaches.`,
      }
    : {
        to,
        subject: `Escalated: ${claim.claimId} missed its ${what} deadline`,
        text: `Claim ${claim.claimId} passed its ${what} deadline of ${notice.deadline.dueAt} (${notice.deadline.businessDays} business days, policy ${notice.deadline.clause}).`,
      };
}
