import type { StripeDisputeEvidence } from '../domain/chargebacks';

export interface EvidenceSubmission {
  processor: string;
  disputeId: string;
  evidence: StripeDisputeEvidence;
  /** Derived from the dispute id, so the processor deduplicates a retried submission. */
  idempotencyKey: string;
}

export interface DisputeAcceptance {
  processor: string;
  disputeId: string;
  idempotencyKey: string;
}

/** What the processor did: `submitted: false` means a person must act in the processor's dashboard. */
export interface DisputeReceipt {
  submitted: boolean;
  reference: string | null;
  adapter: string;
}

/** The adapter to the processor that holds the dispute: contest with evidence, or accept. */
export interface DisputeGateway {
  submitEvidence(submission: EvidenceSubmission): Promise<DisputeReceipt>;
  acceptDispute(acceptance: DisputeAcceptance): Promise<DisputeReceipt>;
}

/**
 * The default: nothing is sent to a processor. Finance submits the evidence (or accepts) in the
 * processor's dashboard and confirms here (POST /v1/chargebacks/:id/confirm-submission).
 */
export const manualDisputeGateway: DisputeGateway = {
  async submitEvidence() {
    return { submitted: false, reference: null, adapter: 'manual' };
  },
  async acceptDispute() {
    return { submitted: false, reference: null, adapter: 'manual' };
  },
};

/** Idempotency keys come from the dispute id and the action, never from randomness. */
export function disputeIdempotencyKey(processor: string, disputeId: string, action: 'evidence' | 'accept'): string {
  return `dispute:${processor}:${disputeId}:${action}`;
}
