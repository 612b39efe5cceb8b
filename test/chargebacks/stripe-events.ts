import Stripe from 'stripe';

/** A Stripe dispute event as Stripe sends it (the fields this desk reads, plus a few it does not). */
export function stripeDisputeEvent(
  kind: 'created' | 'updated' | 'closed' | 'funds_withdrawn' | 'funds_reinstated',
  dispute: {
    id: string;
    paymentIntent: string;
    amount?: number;
    status?: string;
    dueBy?: Date | null;
    balanceTransactions?: object[];
  },
  options: { eventId?: string; created?: Date } = {},
) {
  const created = Math.floor((options.created ?? new Date()).getTime() / 1000);
  return {
    id: options.eventId ?? `evt_${dispute.id}_${kind}_${created}`,
    object: 'event',
    api_version: '2025-01-27.acacia',
    created,
    livemode: false,
    pending_webhooks: 1,
    type: `charge.dispute.${kind}`,
    data: {
      object: {
        id: dispute.id,
        object: 'dispute',
        amount: dispute.amount ?? 5000,
        currency: 'usd',
        charge: `ch_${dispute.id}`,
        payment_intent: dispute.paymentIntent,
        reason: 'fraudulent',
        status: dispute.status ?? 'needs_response',
        is_charge_refundable: false,
        evidence_details: {
          due_by:
            dispute.dueBy === null
              ? null
              : Math.floor((dispute.dueBy ?? new Date(Date.now() + 7 * 86_400_000)).getTime() / 1000),
          has_evidence: false,
          past_due: false,
          submission_count: 0,
        },
        balance_transactions: dispute.balanceTransactions ?? [],
        created,
      },
    },
  };
}

/** Signs a payload the way Stripe does, with the `stripe` package's own test helper. */
export function signStripe(payload: string, secret: string, timestamp?: number): string {
  return Stripe.webhooks.generateTestHeaderString({ payload, secret, ...(timestamp ? { timestamp } : {}) });
}
