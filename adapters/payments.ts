import type { Money } from '../common/money';

export interface RefundInstruction {
  /** Derived from the claim id, so the processor deduplicates a retried request. */
  idempotencyKey: string;
  paymentReference: string | null;
  amount: Money;
}

export interface RefundReceipt {
  /** The processor's reference when the processor executed the refund; null when finance pays it by hand. */
  processorReference: string | null;
}

/** The adapter to the payment processor that holds the original payment method. */
export interface PaymentGateway {
  requestRefund(instruction: RefundInstruction): Promise<RefundReceipt>;
}

/**
 * The default: nothing is sent to a processor; the payout waits for finance to execute it
 * and confirm with the processor's reference (POST /v1/cases/:id/payout-confirmation).
 */
export const manualPayoutGateway: PaymentGateway = {
  async requestRefund() {
    return { processorReference: null };
  },
};
