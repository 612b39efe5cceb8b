import { signStripe, stripeDisputeEvent } from './stripe-events';
import {
  disputedAccount,
  eventually,
  KEYS,
  PLATFORM_SECRET,
  SECRETS,
  startChargebackDesk,
  startFakeStripeApi,
  startPlatformReceiver,
  type ChargebackDesk,
} from './chargeback-desk';

let d: ChargebackDesk;
let platform: Awaited<ReturnType<typeof startPlatformReceiver>>;
let stripeApi: Awaited<ReturnType<typeof startFakeStripeApi>>;

beforeAll(async () => {
  platform = await startPlatformReceiver();
  stripeApi = await startFakeStripeApi();
  d = await startChargebackDesk({
    PLATFORM_WEBHOOK_URL: platform.url,
    PLATFORM_WEBHOOK_SECRET: PLATFORM_SECRET,
    STRIPE_API_KEY: 'sk_test_refund_desk',
    STRIPE_API_BASE: stripeApi.url,
  });
});

afterAll(async () => {
  await d?.close();
  await platform?.close();
  await stripeApi?.close();
});

function postStripe(payload: string, signature: string) {
  return d.call('POST', '/v1/webhooks/stripe', {
    raw: payload,
    headers: { 'stripe-signature': signature, 'content-type': 'application/json' },
  });
}

async function inboxCount(): Promise<number> {
  const { rows } = await d.db.query<{ n: string }>('SELECT count(*) AS n FROM processor_events');
  return Number(rows[0]!.n);
}

describe('Stripe dispute webhooks through the HTTP route, the dev server and PostgreSQL', () => {
  it('answers a valid event 200, starts the case, suspends the account, and tells the platform by a signed webhook', async () => {
    const a = await disputedAccount(d, 'imaginator');
    const payload = JSON.stringify(stripeDisputeEvent('created', { id: a.disputeId, paymentIntent: a.paymentIntent }));
    const res = await postStripe(payload, signStripe(payload, SECRETS.current));
    expect(res).toEqual({ status: 200, body: { received: true, chargebackId: a.chargebackId, duplicate: false } });

    const account = await eventually('suspension', async () => {
      const r = await d.call('GET', `/v1/accounts/${a.accountId}`, { bearer: KEYS.agent });
      return r.body.status === 'suspended' && r.body;
    });
    expect(account).toMatchObject({
      statusClause: '§7',
      statusChargebackId: a.chargebackId,
      statusReason: expect.stringContaining('opened'),
    });

    const suspended = await eventually('account.suspended webhook', async () =>
      platform.received.find(
        (e) => e.type === 'account.suspended' && (e.data as { chargebackId?: string }).chargebackId === a.chargebackId,
      ),
    );
    expect(suspended.data).toMatchObject({ account: { id: a.accountId, status: 'suspended', clause: '§7' } });
    expect(platform.refused).toEqual([]);

    // The pack is built, then the deadlines are planned: wait for both.
    const view = await eventually('the evidence pack and the deadlines', async () => {
      const r = await d.call('GET', `/v1/chargebacks/${a.chargebackId}`, { bearer: KEYS.agent });
      return r.body.evidence && r.body.deadlines.length === 3 && r.body;
    });
    expect(view.evidence.pack.usage).toMatchObject({
      requests: 4,
      succeeded: 3,
      successRate: 0.75,
      outputsDelivered: 3,
    });
    expect(view.evidence.stripe).toMatchObject({
      customer_email_address: a.email,
      service_date: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/),
    });
    expect(view.evidence.stripe.access_activity_log).toContain('made 4 API requests');
    expect(view.deadlines.map((x: { kind: string }) => x.kind)).toEqual([
      'evidence_warning',
      'evidence_escalation',
      'evidence_due',
    ]);
    const mail = await eventually('the customer mail', async () =>
      d.sink.messages().find((m) => JSON.stringify(m.to).includes(a.email)),
    );
    expect(mail.text).toContain('§7');
  });

  it('refuses a bad signature with 400 and stores nothing', async () => {
    const a = await disputedAccount(d, 'imaginator');
    const payload = JSON.stringify(stripeDisputeEvent('created', { id: a.disputeId, paymentIntent: a.paymentIntent }));
    const before = await inboxCount();
    const res = await postStripe(payload, signStripe(payload, 'whsec_someone_else'));
    expect(res.status).toBe(400);
    expect(res.body.error).toMatch(/signature/);
    expect((await postStripe(payload.replace('5000', '500'), signStripe(payload, SECRETS.current))).status).toBe(400);
    expect((await d.call('POST', '/v1/webhooks/stripe', { raw: payload })).status).toBe(400);
    expect(await inboxCount()).toBe(before);
  });

  it('refuses a stale timestamp with 400', async () => {
    const a = await disputedAccount(d, 'imaginator');
    const payload = JSON.stringify(stripeDisputeEvent('created', { id: a.disputeId, paymentIntent: a.paymentIntent }));
    const anHourAgo = Math.floor(Date.now() / 1000) - 3600;
    const res = await postStripe(payload, signStripe(payload, SECRETS.current, anHourAgo));
    expect(res.status).toBe(400);
    expect(res.body.error).toMatch(/tolerance/);
  });

  it('accepts an event signed with the previous secret during a rotation', async () => {
    const a = await disputedAccount(d, 'sora2-api');
    const payload = JSON.stringify(stripeDisputeEvent('created', { id: a.disputeId, paymentIntent: a.paymentIntent }));
    expect((await postStripe(payload, signStripe(payload, SECRETS.previous))).status).toBe(200);
  });

  it('refuses a signed but malformed dispute with 400 and stores nothing', async () => {
    const event = stripeDisputeEvent('created', { id: 'dp_malformed', paymentIntent: 'pi_x' });
    const payload = JSON.stringify({ ...event, data: { object: { ...event.data.object, amount: '50.00' } } });
    const before = await inboxCount();
    const res = await postStripe(payload, signStripe(payload, SECRETS.current));
    expect(res.status).toBe(400);
    expect(res.body.error).toMatch(/amount/);
    expect(await inboxCount()).toBe(before);
  });

  it('answers a replayed event id 200 and changes nothing', async () => {
    const a = await disputedAccount(d, 'apiany');
    const payload = JSON.stringify(stripeDisputeEvent('created', { id: a.disputeId, paymentIntent: a.paymentIntent }));
    expect((await postStripe(payload, signStripe(payload, SECRETS.current))).body.duplicate).toBe(false);
    await eventually(
      'the case',
      async () => (await d.call('GET', `/v1/chargebacks/${a.chargebackId}`, { bearer: KEYS.agent })).body.evidence,
    );
    const again = await postStripe(payload, signStripe(payload, SECRETS.current));
    expect(again).toEqual({ status: 200, body: { received: true, chargebackId: a.chargebackId, duplicate: true } });
    const timeline = (await d.call('GET', `/v1/chargebacks/${a.chargebackId}`, { bearer: KEYS.agent })).body
      .timeline as { type: string }[];
    expect(timeline.filter((e) => e.type === 'processor_created')).toHaveLength(1);
    expect(timeline.filter((e) => e.type === 'credits_held')).toHaveLength(1);
    const { rows } = await d.db.query('SELECT 1 FROM processor_events WHERE chargeback_id = $1', [a.chargebackId]);
    expect(rows).toHaveLength(1);
  });

  it('contests through Stripe: disputes.update with the mapped evidence and an idempotency key from the dispute id', async () => {
    const a = await disputedAccount(d, 'imaginator');
    const payload = JSON.stringify(stripeDisputeEvent('created', { id: a.disputeId, paymentIntent: a.paymentIntent }));
    await postStripe(payload, signStripe(payload, SECRETS.current));
    await eventually(
      'the evidence pack',
      async () => (await d.call('GET', `/v1/chargebacks/${a.chargebackId}`, { bearer: KEYS.agent })).body.evidence,
    );
    const contested = await d.call('POST', `/v1/chargebacks/${a.chargebackId}/contest`, {
      bearer: KEYS.lead,
      body: { evidence: { product_description: 'Image generation API calls, delivered', uncategorized_text: '' } },
    });
    expect(contested).toEqual({ status: 200, body: { status: 'contested' } });
    const update = stripeApi.requests.find((r) => r.path === `/v1/disputes/${a.disputeId}`)!;
    expect(update.idempotencyKey).toBe(`dispute:stripe:${a.disputeId}:evidence`);
    expect(update.form.get('submit')).toBe('true');
    expect(update.form.get('evidence[product_description]')).toBe('Image generation API calls, delivered');
    expect(update.form.get('evidence[customer_email_address]')).toBe(a.email);
    expect(update.form.get('evidence[access_activity_log]')).toContain('made 4 API requests');
    expect(update.form.has('evidence[uncategorized_text]')).toBe(false);
    expect(
      (
        await d.call('POST', `/v1/chargebacks/${a.chargebackId}/accept`, {
          bearer: KEYS.lead,
          body: { why: 'changed my mind' },
        })
      ).status,
    ).toBe(409);
    expect(
      (await d.call('POST', `/v1/chargebacks/${a.chargebackId}/contest`, { bearer: KEYS.agent, body: {} })).status,
    ).toBe(403);
  });
});
