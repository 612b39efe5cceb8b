import type { Money } from '../../common/money';

export * from '../../common/chargeback-types';

/** The dispute events a processor sends, in Stripe's vocabulary without the `charge.dispute.` prefix. */
export const DISPUTE_EVENT_KINDS = ['created', 'updated', 'closed', 'funds_withdrawn', 'funds_reinstated'] as const;
export type DisputeEventKind = (typeof DISPUTE_EVENT_KINDS)[number];

/** Money the processor moved for a dispute (Stripe's balance transactions), in minor units. */
export interface DisputeBalanceTransaction {
  id: string;
  /** Negative when funds were withdrawn from the platform, positive when reinstated. */
  amountMinor: number;
  /** The processor's dispute fee (positive when charged, negative when refunded). */
  feeMinor: number;
  currency: string;
}

/** One processor event about one dispute, in a processor-neutral shape. */
export interface DisputeFacts {
  processor: string;
  eventId: string;
  kind: DisputeEventKind;
  /** The processor's own timestamp for the event: it orders events that arrive out of order. */
  occurredAt: string;
  disputeId: string;
  chargeRef: string | null;
  paymentIntentRef: string | null;
  amount: Money;
  reason: string;
  /** The processor's dispute status at that time (Stripe: needs_response, under_review, won, lost, …). */
  processorStatus: string;
  /** The evidence deadline: a calendar instant, not a business day. */
  dueBy: string | null;
  balanceTransactions: DisputeBalanceTransaction[];
}

/** The chargeback id is the processor plus its dispute id, so every event finds the same case. */
export function chargebackIdOf(processor: string, disputeId: string): string {
  return `cb_${processor}_${disputeId}`;
}
