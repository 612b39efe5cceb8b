import type { StripeDisputeEvidence } from '../../common/chargeback-types';
import { formatMoney, type Money } from '../../common/money';

/** A ledger charge as the evidence shows it. */
export interface EvidenceCharge {
  transactionId: string;
  amount: Money;
  kind: string;
  createdAt: string;
  invoiceNumber: string | null;
  paymentReference: string | null;
}

export interface EvidenceAccount {
  id: string;
  email: string;
  createdAt: string;
  status: string;
  /** The policy version the account holds now (the version the case was opened under). */
  policy: { id: string; version: string; title: string };
}

/** Usage after the charge: what the customer got for the money. */
export interface EvidenceUsage {
  since: string;
  requests: number;
  succeeded: number;
  /** succeeded / requests, or null with no requests. */
  successRate: number | null;
  outputsDelivered: number;
  charged: Money;
  creditsConsumed: Money;
  firstRequestAt: string | null;
  lastRequestAt: string | null;
  /** The latest requests, newest first, for the activity log. */
  sample: { requestId: string; startedAt: string; endpoint: string; httpStatus: number; outputDelivered: boolean }[];
}

export interface EvidenceClaim {
  claimId: string;
  reason: string;
  status: string;
  submittedAt: string;
  outcome: string | null;
  amount: Money | null;
  remedy: string | null;
  clauses: string[];
}

/** A refund or credit the desk already paid on the disputed charge. */
export interface EvidenceRemedy {
  kind: 'credit' | 'refund';
  claimId: string;
  amount: Money;
  at: string;
  state: string;
}

export interface EvidenceMail {
  to: string;
  subject: string;
  sentAt: string;
  about: string;
}

export interface EvidenceClause {
  topic: string;
  clause: string;
  quote: string;
  assumption?: string;
}

/** Everything the ledger says about a disputed charge, built by an activity and stored with the case. */
export interface EvidencePack {
  chargebackId: string;
  builtAt: string;
  charge: EvidenceCharge | null;
  account: EvidenceAccount | null;
  usage: EvidenceUsage | null;
  claims: EvidenceClaim[];
  remediesOnCharge: EvidenceRemedy[];
  mails: EvidenceMail[];
  clauses: EvidenceClause[];
}

/** Stripe caps each text field; the longer parts are cut with a marker, never mid-line silently. */
const MAX_FIELD = 20_000;

function cap(text: string): string {
  return text.length <= MAX_FIELD ? text : `${text.slice(0, MAX_FIELD - 15)}\n[…truncated]`;
}

function percent(rate: number | null): string {
  return rate === null ? 'n/a' : `${(rate * 100).toFixed(1)}%`;
}

function activityLog(e: EvidencePack): string | undefined {
  if (!e.usage || !e.account) return undefined;
  const u = e.usage;
  const head =
    `Account ${e.account.id} (${e.account.email}) made ${u.requests} API requests since ${u.since}: ` +
    `${u.succeeded} succeeded (${percent(u.successRate)}), ${u.outputsDelivered} delivered output, ` +
    `${formatMoney(u.charged)} charged for usage and ${formatMoney(u.creditsConsumed)} of credits consumed.`;
  const lines = u.sample.map(
    (r) =>
      `${r.startedAt} ${r.requestId} ${r.endpoint} HTTP ${r.httpStatus}${r.outputDelivered ? ' output delivered' : ''}`,
  );
  return [head, ...(lines.length ? ['Latest requests:', ...lines] : [])].join('\n');
}

function refusalExplanation(e: EvidencePack): string {
  if (!e.claims.length) return 'The customer did not ask us for a refund before disputing the charge.';
  return e.claims
    .map(
      (c) =>
        `Claim ${c.claimId} (${c.reason}, ${c.submittedAt}): ${c.status}` +
        (c.outcome
          ? `, ${c.outcome}${c.amount ? ` ${formatMoney(c.amount)}` : ''}${c.remedy ? ` as ${c.remedy}` : ''}`
          : '') +
        (c.clauses.length ? ` under ${c.clauses.join(', ')}` : ''),
    )
    .join('\n');
}

function uncategorized(e: EvidencePack): string {
  const parts: string[] = [];
  if (e.charge)
    parts.push(
      `Charge ${e.charge.transactionId} of ${formatMoney(e.charge.amount)} (${e.charge.kind}) on ${e.charge.createdAt}.`,
    );
  if (e.remediesOnCharge.length) {
    parts.push(
      'Already remedied on this charge:',
      ...e.remediesOnCharge.map(
        (r) => `- ${r.kind} ${formatMoney(r.amount)} for claim ${r.claimId} on ${r.at} (${r.state})`,
      ),
    );
  } else {
    parts.push('No refund or credit was paid on this charge.');
  }
  if (e.mails.length) parts.push('Mails exchanged:', ...e.mails.map((m) => `- ${m.sentAt} to ${m.to}: ${m.subject}`));
  return parts.join('\n');
}

/** Maps the pack onto Stripe's dispute evidence fields, so submitting it is one call. */
export function toStripeEvidence(e: EvidencePack): StripeDisputeEvidence {
  const fields: StripeDisputeEvidence = {
    refund_refusal_explanation: refusalExplanation(e),
    uncategorized_text: uncategorized(e),
  };
  const log = activityLog(e);
  if (log) fields.access_activity_log = log;
  if (e.account) {
    fields.customer_email_address = e.account.email;
    fields.refund_policy_disclosure =
      `The account holder accepted "${e.account.policy.title}" (version ${e.account.policy.version}). ` +
      [...new Set(e.clauses.map((c) => `${c.clause}: "${c.quote}"`))].join(' ');
  }
  if (e.charge) {
    fields.service_date = e.charge.createdAt.slice(0, 10);
    fields.product_description = `${e.charge.kind.replace('_', ' ')} for pay-per-use API calls`;
  }
  return Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, cap(v)])) as StripeDisputeEvidence;
}

/** A person's edits replace the mapped fields they name; an empty string clears one. */
export function applyEvidenceEdits(
  mapped: StripeDisputeEvidence,
  edits: StripeDisputeEvidence | undefined,
): StripeDisputeEvidence {
  const merged: StripeDisputeEvidence = { ...mapped, ...edits };
  return Object.fromEntries(
    Object.entries(merged)
      .filter(([, v]) => v !== '')
      .map(([k, v]) => [k, cap(v)]),
  ) as StripeDisputeEvidence;
}
