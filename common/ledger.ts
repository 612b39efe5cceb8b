/**
 * The platform's own usage ledger, as the evidence check sees it.
 * Timestamps are ISO-8601 strings so these values cross Temporal and HTTP unchanged.
 */

export const REQUEST_OUTCOMES = ['success', 'error', 'timeout'] as const;
export type RequestOutcome = (typeof REQUEST_OUTCOMES)[number];

/** What a charge row is. A charge is positive; a `correction` lowers an earlier charge and is negative. */
export const CHARGE_KINDS = ['credit_purchase', 'usage', 'subscription', 'correction'] as const;
export type ChargeKind = (typeof CHARGE_KINDS)[number];

export const ACCOUNT_STATUSES = ['active', 'suspended', 'terminated'] as const;
export type AccountStatus = (typeof ACCOUNT_STATUSES)[number];

export interface LedgerAccount {
  id: string;
  email: string;
  policyId: string;
  status: AccountStatus;
  currency: string;
}

export interface LedgerRequest {
  requestId: string;
  accountId: string;
  endpoint: string;
  model: string | null;
  httpStatus: number;
  outcome: RequestOutcome;
  amountMinor: number;
  currency: string;
  outputDelivered: boolean;
  startedAt: string;
  completedAt: string | null;
}

export interface LedgerCharge {
  transactionId: string;
  invoiceNumber: string | null;
  paymentReference: string | null;
  accountId: string;
  amountMinor: number;
  currency: string;
  kind: ChargeKind;
  periodStart: string | null;
  periodEnd: string | null;
  createdAt: string;
}

export interface LedgerOutage {
  id: string;
  startedAt: string;
  endedAt: string | null;
  scheduled: boolean;
  forceMajeure: boolean;
  cause: string;
}

/**
 * Everything the ledger knows that bears on one claim, fetched in one round trip.
 * Requests the ledger does not hold are simply absent from `requests`.
 */
export interface LedgerFacts {
  account: LedgerAccount;
  requests: LedgerRequest[];
  /** The claimed charge plus charges that share its payment reference or amount (duplicate detection). */
  charges: LedgerCharge[];
  /** Outages overlapping any claimed request or the claimed charge's billing period. */
  outages: LedgerOutage[];
  /** Claimed requests another claim of the account already credited or refunded: a call is remedied once. */
  alreadyRemedied: { requestId: string; claimId: string }[];
  /** The account's unused credit balance in its currency, from the credits ledger; absent when not looked up. */
  creditBalance?: { amountMinor: number; currency: string };
  /** What other claims hold or remedied against the charges above; absent means none. */
  chargeRemedies?: ChargeRemedy[];
}

/** Part of a charge another claim reserved (pending) or paid back (remedied). */
export interface ChargeRemedy {
  transactionId: string;
  claimId: string;
  amountMinor: number;
  currency: string;
  state: 'pending' | 'remedied';
  /** The remedy that went out, once remedied. */
  remedy: 'credit' | 'service_credit' | 'refund' | null;
}
