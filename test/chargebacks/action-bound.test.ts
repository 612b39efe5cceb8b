import { signStripe, stripeDisputeEvent } from './stripe-events';
import {
  disputedAccount,
  eventually,
  KEYS,
  SECRETS,
  startChargebackDesk,
  startFakeStripeApi,
  type ChargebackDesk,
} from './chargeback-desk';

/** Stripe answers after 3 s; the desk answers staff within 1 s. */
const STRIPE_HOLD_MS = 3_000;
const ANSWER_WAIT_MS = 1_000;

let d: ChargebackDesk;
let stripeApi: Awaited<ReturnType<typeof startFakeStripeApi>>;

beforeAll(async () => {
  stripeApi = await startFakeStripeApi({ holdMs: STRIPE_HOLD_MS });
  d = await startChargebackDesk({
    STRIPE_API_KEY: 'sk_test_refund_desk',
    STRIPE_API_BASE: stripeApi.url,
    CHARGEBACK_ACTION_WAIT_MS: String(ANSWER_WAIT_MS),
  });
});

afterAll(async () => {
  await d?.close();
  await stripeApi?.close();
});

async function openedDispute() {
  const a = await disputedAccount(d, 'imaginator');
  const payload = JSON.stringify(stripeDisputeEvent('created', { id: a.disputeId, paymentIntent: a.paymentIntent }));
  await d.call('POST', '/v1/webhooks/stripe', {
    raw: payload,
    headers: { 'stripe-signature': signStripe(payload, SECRETS.current), 'content-type': 'application/json' },
  });
  await eventually(
    'the evidence pack',
    async () => (await d.call('GET', `/v1/chargebacks/${a.chargebackId}`, { bearer: KEYS.agent })).body.evidence,
  );
  return a;
}

describe('a staff action on a chargeback answers within its bound while the processor is slow', () => {
  it('answers 202 with the action in progress, and the accept lands in the timeline once Stripe answers', async () => {
    const a = await openedDispute();
    const accepted = await d.call('POST', `/v1/chargebacks/${a.chargebackId}/accept`, {
      bearer: KEYS.lead,
      body: { why: 'the customer never received the credits' },
    });
    expect(accepted).toEqual({
      status: 202,
      body: { actionId: expect.any(String), inProgress: true, message: expect.stringMatching(/timeline/) },
    });

    const view = await eventually('the accept to land', async () => {
      const r = await d.call('GET', `/v1/chargebacks/${a.chargebackId}`, { bearer: KEYS.agent });
      return r.body.status === 'accepted' && r.body;
    });
    expect(view.timeline).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ type: 'dispute_accepted', actor: { type: 'staff', id: 'lead:it-lead' } }),
      ]),
    );
    expect(stripeApi.requests.filter((r) => r.path === `/v1/disputes/${a.disputeId}/close`)).toHaveLength(1);
  });

  it('still refuses an action the case cannot take with 409, without waiting on the processor', async () => {
    const a = await openedDispute();
    const refused = await d.call('POST', `/v1/chargebacks/${a.chargebackId}/confirm-submission`, {
      bearer: KEYS.finance,
      body: { processorReference: 'du_manual' },
    });
    expect(refused.status).toBe(409);
    expect(refused.body.error).toMatch(/nothing awaits confirmation/);
  });
});
