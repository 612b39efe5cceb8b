import { defineSignal } from '@temporalio/workflow';

/**
 * The contract between a chargeback and the refund claims on the same charge. The chargeback
 * workflow signals every open claim workflow on the disputed charge; the claim workflow holds
 * (no remedy is paid while a dispute is open) and, when the dispute closes, either closes as
 * `resolved_by_chargeback` (lost: the customer got the money back through the bank) or resumes
 * where it was (won).
 */
export interface DisputeOpenedInput {
  chargebackId: string;
}

export interface DisputeClosedInput {
  chargebackId: string;
  outcome: 'won' | 'lost';
}

/** The review reason given to a claim on a charge with an open dispute. */
export const DISPUTE_OPEN_REASON = 'dispute_open';
/** The status a held claim ends in when the dispute is lost. */
export const RESOLVED_BY_CHARGEBACK = 'resolved_by_chargeback';

export const disputeOpenedSignal = defineSignal<[DisputeOpenedInput]>('disputeOpened');
export const disputeClosedSignal = defineSignal<[DisputeClosedInput]>('disputeClosed');
