import type Stripe from 'stripe';
import { withTransaction } from '../db';
import { grantCredits } from '../db/credits';
import type { PolicyStore } from '../db/policies';
import { receiveDisputeEvent, type ChargebackIntakeDeps } from './chargeback-intake';
import { stripeDisputeFacts } from './stripe-events';

/** The demo dispute `npm run dev` seeds: APIAny's demo customer disputes a $50 credit recharge. */
export const DEMO_DISPUTE = {
  accountId: 'acct_apiany_demo',
  transactionId: 'txn_acct_apiany_demo_1',
  paymentIntent: 'pi_acct_apiany_demo_1',
  disputeId: 'dp_demo_apiany',
};

/**
 * Grants the demo recharge's credits, then feeds a Stripe `charge.dispute.created` event through the same
 * intake as the webhook, so the case suspends the account and holds the credits. Re-running changes nothing.
 */
export async function seedDemoDispute(
  deps: ChargebackIntakeDeps,
  policies: PolicyStore,
  now = new Date(),
): Promise<void> {
  const policy = policies.current('apiany');
  const { rows } = await deps.db.query<{ created_at: Date }>(
    'SELECT created_at FROM charges WHERE transaction_id = $1',
    [DEMO_DISPUTE.transactionId],
  );
  if (!policy || !rows[0]) return;
  await withTransaction(deps.db, (tx) =>
    grantCredits(tx, {
      accountId: DEMO_DISPUTE.accountId,
      kind: 'purchased',
      amount: { amountMinor: 5000, currency: 'USD' },
      source: `charge:${DEMO_DISPUTE.transactionId}`,
      grantedAt: rows[0]!.created_at,
      policy,
      actor: 'system:demo',
      why: 'demo recharge',
    }),
  );
  const created = Math.floor(now.getTime() / 1000);
  const event = {
    id: 'evt_demo_dispute_created',
    object: 'event',
    created,
    type: 'charge.dispute.created',
    data: {
      object: {
        id: DEMO_DISPUTE.disputeId,
        object: 'dispute',
        amount: 5000,
        currency: 'usd',
        charge: 'ch_demo_apiany',
        payment_intent: DEMO_DISPUTE.paymentIntent,
        reason: 'unrecognized',
        status: 'needs_response',
        evidence_details: { due_by: created + 7 * 86_400 },
        balance_transactions: [],
      },
    },
  } as unknown as Stripe.Event;
  await receiveDisputeEvent(deps, stripeDisputeFacts(event, 'created'), event);
}
