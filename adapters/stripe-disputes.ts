import Stripe from 'stripe';
import { manualDisputeGateway, type DisputeGateway } from './dispute-gateway';

/** Where the Stripe client sends requests; tests point it at a local fake of Stripe's HTTP API. */
export interface StripeApiOptions {
  apiKey: string;
  host?: string;
  port?: number;
  protocol?: 'http' | 'https';
}

/**
 * Contests and accepts Stripe disputes through Stripe's API: `disputes.update` with the evidence and
 * `submit: true`, or `disputes.close`, each with an idempotency key derived from the dispute id.
 * Disputes from other processors fall back to the manual gateway.
 */
export function createStripeDisputeGateway(options: StripeApiOptions): DisputeGateway {
  const stripe = new Stripe(options.apiKey, {
    host: options.host,
    port: options.port,
    protocol: options.protocol,
    maxNetworkRetries: 2,
    timeout: 20_000,
  });
  return {
    async submitEvidence(s) {
      if (s.processor !== 'stripe') return manualDisputeGateway.submitEvidence(s);
      const dispute = await stripe.disputes.update(
        s.disputeId,
        { evidence: s.evidence, submit: true },
        { idempotencyKey: s.idempotencyKey },
      );
      return { submitted: true, reference: dispute.id, adapter: 'stripe' };
    },
    async acceptDispute(a) {
      if (a.processor !== 'stripe') return manualDisputeGateway.acceptDispute(a);
      const dispute = await stripe.disputes.close(a.disputeId, {}, { idempotencyKey: a.idempotencyKey });
      return { submitted: true, reference: dispute.id, adapter: 'stripe' };
    },
  };
}
