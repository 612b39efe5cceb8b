import type { Money } from './money';

/**
 * The most request ids one claim may name: the evidence check of a claim this size, with ids of the longest
 * allowed length, stays far below Temporal's 2 MB payload limit (test/integration/claim-limits.test.ts).
 */
export const MAX_REQUEST_IDS_PER_CLAIM = 1_000;

export const CLAIM_REASONS = [
  'failed_request',
  'billing_error',
  'duplicate_charge',
  'service_outage',
  'unauthorized_charge',
  'dissatisfaction',
  'cancellation',
  /** "Refund my remaining balance": a transaction id is optional; without one the claim concerns the whole balance. */
  'unused_credits',
  'other',
] as const;
export type ClaimReason = (typeof CLAIM_REASONS)[number];

export const CLAIM_STATUSES = [
  'received',
  'checking',
  'awaiting_customer',
  'in_review',
  'approved',
  'awaiting_payout',
  'closed',
  'denied',
  'abandoned',
  'withdrawn',
  /** No remedy is paid while a payment dispute on the charge is open. */
  'on_hold',
  /** The dispute was lost: the customer got the money back through the bank. */
  'resolved_by_chargeback',
  /** A failure retrying cannot fix stopped the claim; a person retries or closes it (workflows/claim-guard.ts). */
  'needs_attention',
] as const;
export type ClaimStatus = (typeof CLAIM_STATUSES)[number];

/** Statuses after which nothing more happens to a claim. */
export const FINAL_STATUSES: readonly ClaimStatus[] = [
  'closed',
  'denied',
  'abandoned',
  'withdrawn',
  'resolved_by_chargeback',
];

export const DECISION_OUTCOMES = ['approved', 'partially_approved', 'denied'] as const;
export type DecisionOutcome = (typeof DECISION_OUTCOMES)[number];

/** `refund` goes back to the original payment method; `credit` and `service_credit` go to the account. */
export const REMEDIES = ['credit', 'refund', 'service_credit', 'none'] as const;
export type Remedy = (typeof REMEDIES)[number];

/** Whether a decision pays money to the account (a credit or service credit), which the claim writes itself. */
export function paysCredit(decision: { outcome: DecisionOutcome; remedy: Remedy }): boolean {
  return decision.outcome !== 'denied' && (decision.remedy === 'credit' || decision.remedy === 'service_credit');
}

export const CHANNELS = ['api', 'email'] as const;
export type Channel = (typeof CHANNELS)[number];

/** What a customer sent, as the claim keeps it. */
export interface ClaimFacts {
  claimId: string;
  accountId: string;
  accountEmail: string;
  reason: ClaimReason;
  requestIds: string[];
  transactionId: string | null;
  invoiceNumber: string | null;
  explanation: string | null;
  submittedAt: string;
}

/** Items a policy can require before it will decide; named in the information request. */
export const CLAIM_ITEMS = ['request_ids', 'transaction_or_invoice', 'explanation', 'account_email'] as const;
export type ClaimItem = (typeof CLAIM_ITEMS)[number];

/** One reason behind a decision, always tied to the policy clause it rests on. */
export interface DecisionReason {
  code: string;
  /** Clause reference within the policy document, e.g. "§5.2". */
  clause: string;
  /** A short quotation of the clause, word for word from the published policy. */
  quote: string;
  message: string;
  requestIds?: string[];
  transactionId?: string;
}

export const REQUEST_VERDICTS = [
  'platform_error',
  'platform_timeout_during_outage',
  'charged_without_output',
  'client_error',
  'successful_call',
  'not_charged',
  'unverified_timeout',
  'not_found',
  'other_account',
  'already_remedied',
  'outside_window',
] as const;
export type RequestVerdict = (typeof REQUEST_VERDICTS)[number];

export interface RequestFinding {
  requestId: string;
  verdict: RequestVerdict;
  /** What this request contributes to the remedy; zero when it is not refundable. */
  refundable: Money;
  charged: Money;
}

export interface Actor {
  type: 'customer' | 'staff' | 'system' | 'timer';
  id: string;
}

export interface Decision {
  outcome: DecisionOutcome;
  amount: Money;
  remedy: Remedy;
  reasons: DecisionReason[];
  /** Each step of the arithmetic behind `amount`, in words a person can check. */
  arithmetic: string[];
  findings: RequestFinding[];
  decidedBy: Actor;
  policy: { id: string; version: string };
  /** Set when a person decided; records the legal or business basis they gave. */
  note?: string;
  /** The part of each charge this decision pays back; absent for request claims and denials. */
  chargeShares?: ChargeShare[];
}

/** One charge and how much of it a decision remedies. */
export interface ChargeShare {
  transactionId: string;
  amount: Money;
}

/** What the policy engine concludes before any person is involved. */
export type Assessment =
  | { kind: 'decided'; decision: Decision }
  | { kind: 'needs_review'; proposal: Decision; why: DecisionReason[] }
  | { kind: 'needs_info'; missing: ClaimItem[]; why: DecisionReason[]; message?: string };

/** An evidence check either assesses the claim or finds its items reserved by other claims still pending. */
export type EvidenceCheck = Assessment | { kind: 'waiting'; heldBy: string[]; items: string[] };

export const DEADLINE_KINDS = ['review_warning', 'review', 'resolution', 'payout', 'customer_reply'] as const;
export type DeadlineKind = (typeof DEADLINE_KINDS)[number];

export interface Deadline {
  kind: DeadlineKind;
  dueAt: string;
  businessDays: number;
  clause: string;
}
