import { ulid } from 'ulid';
import { DEV_STRIPE_WEBHOOK_SECRET } from '../../server/routes/webhooks';
import { signStripe, stripeDisputeEvent } from './stripe-events';

type Call = (
  method: string,
  path: string,
  options?: { body?: unknown; bearer?: string; headers?: Record<string, string>; raw?: string },
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- responses are read field by field
) => Promise<{ status: number; body: any }>;

export interface Keys {
  operator: string;
  agent: string;
  lead: string;
  finance: string;
}

async function until<T>(what: string, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * Every chargeback route once, including refusals, the way a platform and its staff meet them.
 * `call` must send `raw` as the body unchanged (the Stripe signature covers the bytes).
 */
export async function exerciseChargebackRoutes(call: Call, keys: Keys): Promise<void> {
  const id = ulid().toLowerCase();
  const accountId = `acct_cb_${id}`;
  const operator = { bearer: keys.operator };
  await call('PUT', `/v1/accounts/${accountId}`, {
    ...operator,
    body: { email: `${id}@cb.example`, policyId: 'imaginator' },
  });
  const charge = {
    transactionId: `txn_cb_${id}`,
    invoiceNumber: null,
    paymentReference: `pi_cb_${id}`,
    accountId,
    amountMinor: 5000,
    currency: 'USD',
    kind: 'usage',
    createdAt: new Date(Date.now() - 86_400_000).toISOString(),
  };
  await call('POST', '/v1/usage/charges', { ...operator, body: { records: [charge] } });

  // Stripe's webhook: signed, then a bad signature.
  const payload = JSON.stringify(stripeDisputeEvent('created', { id: `dp_${id}`, paymentIntent: `pi_cb_${id}` }));
  const stripe = (raw: string, signature: string) =>
    call('POST', '/v1/webhooks/stripe', {
      raw,
      headers: { 'stripe-signature': signature, 'content-type': 'application/json' },
    });
  if ((await stripe(payload, signStripe(payload, DEV_STRIPE_WEBHOOK_SECRET))).status !== 200)
    throw new Error('signed event refused');
  await stripe(payload, signStripe(payload, 'whsec_not_ours'));
  const chargebackId = `cb_stripe_dp_${id}`;

  // The processor-neutral intake, for another processor; a redelivery; bad input; a role that may not feed.
  const neutral = {
    processor: 'adyen',
    eventId: `adyen_${id}`,
    type: 'created',
    occurredAt: new Date().toISOString(),
    dispute: {
      id: `adyen_dp_${id}`,
      paymentIntentRef: `pi_cb_${id}`,
      amountMinor: 5000,
      currency: 'USD',
      reason: 'fraud',
      status: 'needs_response',
      dueBy: new Date(Date.now() + 6 * 86_400_000).toISOString(),
    },
  };
  await call('POST', '/v1/chargebacks', { ...operator, body: neutral });
  await call('POST', '/v1/chargebacks', { ...operator, body: neutral });
  await call('POST', '/v1/chargebacks', { ...operator, body: { ...neutral, type: 'opened' } });
  await call('POST', '/v1/chargebacks', { bearer: keys.agent, body: neutral });

  await until('the suspension', async () =>
    (await call('GET', `/v1/accounts/${accountId}`, { bearer: keys.agent })).body.status === 'suspended'
      ? true
      : undefined,
  );
  await call('GET', '/v1/accounts/acct_nobody', { bearer: keys.agent });
  await call('GET', `/v1/chargebacks?status=open&policyId=imaginator&dueWithinHours=240&limit=10`, {
    bearer: keys.agent,
  });
  await call('GET', '/v1/chargebacks?status=nope', { bearer: keys.agent });
  await until('the evidence pack', async () =>
    (await call('GET', `/v1/chargebacks/${chargebackId}`, { bearer: keys.agent })).body.evidence ? true : undefined,
  );
  await call('GET', `/v1/chargebacks/cb_stripe_dp_nobody`, { bearer: keys.agent });

  // Staff actions: contest (manual gateway: finance confirms), refusals, account actions.
  await call('POST', `/v1/chargebacks/${chargebackId}/contest`, { bearer: keys.agent, body: {} });
  await call('POST', `/v1/chargebacks/${chargebackId}/contest`, {
    bearer: keys.lead,
    body: { evidence: { product_description: 'image generation API calls' }, note: 'usage delivered' },
  });
  await call('POST', `/v1/chargebacks/${chargebackId}/confirm-submission`, {
    bearer: keys.finance,
    body: { processorReference: 'dashboard' },
  });
  await call('POST', `/v1/chargebacks/${chargebackId}/accept`, {
    bearer: keys.lead,
    body: { why: 'too late: already contested' },
  });
  await call('POST', `/v1/chargebacks/${chargebackId}/suspend`, {
    bearer: keys.lead,
    body: { why: 'already suspended' },
  });
  await call('POST', `/v1/chargebacks/${chargebackId}/reinstate`, {
    bearer: keys.lead,
    body: { why: 'customer called and explained' },
  });
  await call('POST', `/v1/chargebacks/${chargebackId}/suspend`, {
    bearer: keys.lead,
    body: { why: 'suspend again while under review' },
  });
  await call('POST', `/v1/chargebacks/${chargebackId}/terminate`, {
    bearer: keys.lead,
    body: { why: 'fraudulent chargeback' },
  });
  const adyen = 'cb_adyen_adyen_dp_' + id;
  await until('the second case', async () =>
    (await call('GET', `/v1/chargebacks/${adyen}`, { bearer: keys.agent })).status === 200 ? true : undefined,
  );
  await call('POST', `/v1/chargebacks/${adyen}/accept`, { bearer: keys.lead, body: { why: 'the customer was right' } });
}
