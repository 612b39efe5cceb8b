/** Chargeback names shared by the workflow's messages, the domain and the API (no SDK, no I/O). */

/** Where a chargeback case stands on the desk. */
export const CHARGEBACK_STATUSES = [
  'open',
  'accepted',
  'contest_pending',
  'contested',
  'won',
  'lost',
  'closed',
] as const;
export type ChargebackStatus = (typeof CHARGEBACK_STATUSES)[number];

export type DisputeOutcome = 'won' | 'lost';

export const CHARGEBACK_DEADLINE_KINDS = [
  'evidence_warning',
  'evidence_escalation',
  'evidence_due',
  'account_decision',
] as const;
export type ChargebackDeadlineKind = (typeof CHARGEBACK_DEADLINE_KINDS)[number];

/** A calendar-instant deadline of a chargeback case, with the clause that set its lead time. */
export interface ChargebackDeadline {
  kind: ChargebackDeadlineKind;
  dueAt: string;
  clause: string;
}

/** Stripe's text evidence fields this desk fills (`refund_policy` itself is a file upload in Stripe's API). */
export const STRIPE_TEXT_FIELDS = [
  'access_activity_log',
  'customer_email_address',
  'product_description',
  'refund_policy_disclosure',
  'refund_refusal_explanation',
  'service_date',
  'uncategorized_text',
] as const;
export type StripeTextField = (typeof STRIPE_TEXT_FIELDS)[number];
export type StripeDisputeEvidence = Partial<Record<StripeTextField, string>>;
