/**
 * OWASP API10:2023 (unsafe consumption of APIs): what upstream systems send is checked before the desk trusts it.
 * Processor webhooks must carry a valid, fresh Stripe signature over the exact bytes, and even a signed event must
 * be well formed; the platform's ledger feed is validated row by row and a bad batch stores nothing.
 */
import { ulid } from 'ulid';
import { disputedAccount, SECRETS, startChargebackDesk, type ChargebackDesk } from '../chargebacks/chargeback-desk';
import { signStripe, stripeDisputeEvent } from '../chargebacks/stripe-events';
import { KEYS } from '../integration/desk-harness';
import { createTestDatabase, type TestDatabase } from '../support/db';

let testDb: TestDatabase;
let d: ChargebackDesk;

// A database of its own: "nothing stored" is counted over whole tables.
beforeAll(async () => {
  testDb = await createTestDatabase('refund_desk_api10');
  d = await startChargebackDesk({ DATABASE_URL: testDb.url });
});

afterAll(async () => {
  await d?.close();
  await testDb?.drop();
});

function postStripe(payload: string, signature?: string) {
  return d.call('POST', '/v1/webhooks/stripe', {
    raw: payload,
    headers: { 'content-type': 'application/json', ...(signature && { 'stripe-signature': signature }) },
  });
}

/** The processor events the intake stored: it writes them before it answers (the chargeback row follows later). */
async function stored() {
  const { rows } = await d.db.query<{ events: number }>('SELECT count(*)::int AS events FROM processor_events');
  return rows[0]!;
}

describe('API10: processor webhooks are verified before anything is stored', () => {
  let payload: string;

  beforeAll(async () => {
    const a = await disputedAccount(d, 'imaginator');
    payload = JSON.stringify(stripeDisputeEvent('created', { id: a.disputeId, paymentIntent: a.paymentIntent }));
  });

  it('refuses with 400 a missing, foreign, mangled, downgraded, stale or body-swapped signature, and stores nothing', async () => {
    const before = await stored();
    const now = Math.floor(Date.now() / 1000);
    const valid = signStripe(payload, SECRETS.current);
    const attempts: [string, string | undefined, string][] = [
      ['no header', undefined, payload],
      ['another secret', signStripe(payload, 'whsec_attacker'), payload],
      ['v0 scheme only', valid.replace('v1=', 'v0='), payload],
      ['truncated signature', valid.slice(0, -8), payload],
      ['an hour old', signStripe(payload, SECRETS.current, now - 3600), payload],
      ['body changed after signing', valid, payload.replace('"amount":5000', '"amount":1')],
      ['empty header', '', payload],
      ['garbage header', 't=abc,v1=zz', payload],
    ];
    for (const [what, signature, body] of attempts) {
      const res = await postStripe(body, signature);
      expect({ what, status: res.status }).toEqual({ what, status: 400 });
    }
    expect(await stored()).toEqual(before);
  });

  it('stores a replayed event once: the second delivery is answered as a duplicate', async () => {
    const first = await postStripe(payload, signStripe(payload, SECRETS.current));
    expect(first.status).toBe(200);
    const after = await stored();
    const again = await postStripe(payload, signStripe(payload, SECRETS.current));
    expect(again.body).toMatchObject({ received: true, duplicate: true });
    expect((await stored()).events).toBe(after.events);
  });

  it('refuses a correctly signed event whose dispute has the wrong types or impossible values', async () => {
    const a = await disputedAccount(d, 'apiany');
    const event = stripeDisputeEvent('created', { id: a.disputeId, paymentIntent: a.paymentIntent });
    const hostile: [string, Record<string, unknown>][] = [
      ['amount as text', { amount: '5000' }],
      ['negative amount', { amount: -5000 }],
      ['amount beyond a safe integer', { amount: 2 ** 60 }],
      ['fractional amount', { amount: 50.5 }],
      ['currency not a code', { currency: 'dollars' }],
      ['due_by as text', { evidence_details: { ...event.data.object.evidence_details, due_by: 'tomorrow' } }],
      ['payment intent as a number', { payment_intent: 42 }],
      ['no dispute id', { id: undefined }],
    ];
    const before = await stored();
    for (const [what, change] of hostile) {
      const body = JSON.stringify({ ...event, data: { object: { ...event.data.object, ...change } } });
      const res = await postStripe(body, signStripe(body, SECRETS.current));
      expect({ what, status: res.status }).toEqual({ what, status: 400 });
    }
    expect(await stored()).toEqual(before);
    const { rows } = await d.db.query('SELECT 1 FROM chargebacks WHERE id = $1', [a.chargebackId]);
    expect(rows).toEqual([]);
  });
});

describe("API10: the platform's ledger feed is validated before it is stored", () => {
  it('refuses a whole batch when one row is malformed, naming the row, and stores none of it', async () => {
    const accountId = `acct_${ulid()}`;
    await d.call('PUT', `/v1/accounts/${accountId}`, {
      bearer: KEYS.operator,
      body: { email: `${accountId.toLowerCase()}@c.example`, policyId: 'pixazo-api' },
    });
    const at = new Date(Date.now() - 3_600_000).toISOString();
    const row = (n: number, change: Record<string, unknown> = {}) => ({
      requestId: `${accountId}_${n}`,
      accountId,
      endpoint: '/v1/images/generate',
      model: 'sdxl',
      httpStatus: 502,
      outcome: 'error',
      amountMinor: 150,
      currency: 'USD',
      outputDelivered: false,
      startedAt: at,
      completedAt: at,
      ...change,
    });
    const hostile: Record<string, unknown>[] = [
      { amountMinor: '150' },
      { amountMinor: 1.5 },
      { amountMinor: 2 ** 60 },
      { httpStatus: 9999 },
      { currency: 'usd' },
      { currency: 'QQQ1' },
      { startedAt: 'yesterday' },
      { outcome: 'maybe' },
      { isAdmin: true },
      { requestId: '' },
    ];
    for (const [i, change] of hostile.entries()) {
      const res = await d.call('POST', '/v1/usage/requests', {
        bearer: KEYS.operator,
        body: { records: [row(100 + i), row(200 + i, change)] },
      });
      expect({ change, status: res.status }).toEqual({ change, status: 400 });
      expect(res.body.error).toMatch(/records\.1/);
    }
    const { rows } = await d.db.query('SELECT 1 FROM usage_requests WHERE account_id = $1', [accountId]);
    expect(rows).toEqual([]);
    // The same rows, well formed, go in: the refusals above were about the bad row alone.
    const good = await d.call('POST', '/v1/usage/requests', { bearer: KEYS.operator, body: { records: [row(1)] } });
    expect(good.body).toEqual({ received: 1, inserted: 1, duplicates: 0 });
  });
});
