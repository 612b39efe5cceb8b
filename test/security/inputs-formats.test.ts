import { ulid } from 'ulid';
import { MAX_AMOUNT_MINOR } from '../../common/money';
import { KEYS, startDesk, type Desk } from '../integration/desk-harness';
import { freshAccount, rawRequest, rowCounts } from './inputs-support';

/**
 * #12 §3: ids, currencies, dates and amounts have checked formats and ranges (common/ledger-records.ts).
 * Each refusal is a 400 naming the field, and nothing is written.
 */
let d: Desk;
let accountId: string;

beforeAll(async () => {
  d = await startDesk();
  ({ accountId } = await freshAccount(d));
});

afterAll(async () => {
  await d?.close();
});

const operator = { bearer: KEYS.operator };
const yesterday = () => new Date(Date.now() - 86_400_000).toISOString();

async function refused(call: () => Promise<{ status: number; body: { error?: string } }>, field: RegExp) {
  const before = await rowCounts(d);
  const answer = await call();
  expect({ status: answer.status, error: answer.body?.error }).toEqual({
    status: 400,
    error: expect.stringMatching(field),
  });
  expect(await rowCounts(d)).toEqual(before);
}

const usageRequest = (overrides: object) => ({
  requestId: `req_${ulid()}`,
  accountId,
  endpoint: '/v1/images/generate',
  httpStatus: 500,
  outcome: 'error',
  amountMinor: 150,
  currency: 'USD',
  outputDelivered: false,
  startedAt: yesterday(),
  ...overrides,
});

const charge = (overrides: object) => ({
  transactionId: `txn_${ulid()}`,
  accountId,
  amountMinor: 5000,
  currency: 'USD',
  kind: 'credit_purchase',
  createdAt: yesterday(),
  ...overrides,
});

describe('ids in paths', () => {
  it('answers 400 to ../../x and to a 10,000-character account id, before any lookup', async () => {
    const agent = { authorization: `Bearer ${KEYS.agent}` };
    const traversal = await rawRequest(d.desk.apiUrl, {
      method: 'GET',
      path: '/v1/accounts/..%2F..%2Fx/credits',
      headers: agent,
    });
    expect({ status: traversal.status, error: traversal.body.error }).toEqual({
      status: 400,
      error: expect.stringMatching(/accountId: an id has letters, digits/),
    });
    await refused(
      () =>
        d.call('PUT', `/v1/accounts/${'a'.repeat(10_000)}`, {
          ...operator,
          body: { email: 'x@i.example', policyId: 'pixazo-api' },
        }),
      /accountId: an id has at most 200 characters/,
    );
    const dots = await rawRequest(d.desk.apiUrl, { method: 'GET', path: '/v1/accounts/%2E%2E', headers: agent });
    expect({ status: dots.status, error: dots.body.error }).toEqual({
      status: 400,
      error: expect.stringMatching(/accountId/),
    });
    await refused(() => d.call('GET', `/v1/policies/${'p'.repeat(10_000)}`), /policyId/);
    await refused(() => d.call('GET', '/v1/chargebacks/not%20a%20chargeback', { bearer: KEYS.agent }), /chargebackId/);
  });
});

describe('currencies are ISO 4217', () => {
  it('refuses QQQ on accounts, ledger rows, credit grants and dispute events', async () => {
    await refused(
      () =>
        d.call('PUT', `/v1/accounts/acct_${ulid()}`, {
          ...operator,
          body: { email: 'q@i.example', policyId: 'pixazo-api', currency: 'QQQ' },
        }),
      /currency: currency must be an ISO 4217 code/,
    );
    await refused(
      () =>
        d.call('POST', '/v1/usage/requests', { ...operator, body: { records: [usageRequest({ currency: 'QQQ' })] } }),
      /records\.0\.currency/,
    );
    await refused(
      () =>
        d.call('POST', `/v1/accounts/${accountId}/credits/grants`, {
          ...operator,
          body: { kind: 'promotional', amountMinor: 100, currency: 'QQQ', source: ulid() },
        }),
      /currency/,
    );
    await refused(
      () =>
        d.call('POST', '/v1/chargebacks', {
          ...operator,
          body: {
            processor: 'adyen',
            eventId: `evt_${ulid()}`,
            type: 'created',
            occurredAt: yesterday(),
            dispute: {
              id: `dp_${ulid()}`,
              chargeRef: 'ch_1',
              amountMinor: 100,
              currency: 'QQQ',
              reason: 'fraud',
              status: 'open',
            },
          },
        }),
      /dispute\.currency/,
    );
  });
});

describe('dates are within the years 2000–2099', () => {
  it('refuses the year 0001 on a grant and on a usage record', async () => {
    await refused(
      () =>
        d.call('POST', `/v1/accounts/${accountId}/credits/grants`, {
          ...operator,
          body: { kind: 'promotional', amountMinor: 100, source: ulid(), grantedAt: '0001-01-01T00:00:00Z' },
        }),
      /grantedAt: a date between the years 2000 and 2099/,
    );
    await refused(
      () =>
        d.call('POST', '/v1/usage/requests', {
          ...operator,
          body: { records: [usageRequest({ startedAt: '0001-01-01T00:00:00Z' })] },
        }),
      /records\.0\.startedAt: a date between the years 2000 and 2099/,
    );
  });
});

describe('amounts are within ±10^12 minor units, with documented signs', () => {
  it('refuses two credit grants of 2^53−1 with 400, and the statement still answers 200', async () => {
    for (const source of [ulid(), ulid()]) {
      await refused(
        () =>
          d.call('POST', `/v1/accounts/${accountId}/credits/grants`, {
            ...operator,
            body: { kind: 'promotional', amountMinor: Number.MAX_SAFE_INTEGER, source },
          }),
        /amountMinor: Too big/,
      );
    }
    const top = await d.call('POST', `/v1/accounts/${accountId}/credits/grants`, {
      ...operator,
      body: { kind: 'promotional', amountMinor: MAX_AMOUNT_MINOR, source: ulid() },
    });
    expect(top.status).toBe(201);
    const statement = await d.call('GET', `/v1/accounts/${accountId}/credits`, { bearer: KEYS.agent });
    expect(statement.status).toBe(200);
  });

  it('refuses a usage amount above 10^12', async () => {
    await refused(
      () =>
        d.call('POST', '/v1/usage/requests', {
          ...operator,
          body: { records: [usageRequest({ amountMinor: MAX_AMOUNT_MINOR + 1 })] },
        }),
      /records\.0\.amountMinor: Too big/,
    );
  });

  it('takes a charge only as positive, and a correction only as its own negative kind', async () => {
    await refused(
      () =>
        d.call('POST', '/v1/usage/charges', {
          ...operator,
          body: { records: [charge({ kind: 'usage', amountMinor: -500 })] },
        }),
      /records\.0\.amountMinor: a charge is positive; a correction \(kind "correction"\) is negative/,
    );
    await refused(
      () =>
        d.call('POST', '/v1/usage/charges', {
          ...operator,
          body: { records: [charge({ kind: 'correction', amountMinor: 500 })] },
        }),
      /a charge is positive; a correction/,
    );
    const correction = charge({ kind: 'correction', amountMinor: -500 });
    const stored = await d.call('POST', '/v1/usage/charges', { ...operator, body: { records: [correction] } });
    expect({ status: stored.status, body: stored.body }).toEqual({
      status: 200,
      body: { received: 1, inserted: 1, duplicates: 0 },
    });
    const { rows } = await d.db.query('SELECT kind, amount_minor FROM charges WHERE transaction_id = $1', [
      correction.transactionId,
    ]);
    expect(rows).toEqual([{ kind: 'correction', amount_minor: '-500' }]);
  });

  it('has PostgreSQL refuse a wrong sign even from a writer that skips the schemas', async () => {
    await expect(
      d.db.query(
        `INSERT INTO charges (transaction_id, account_id, amount_minor, currency, kind, created_at) VALUES ($1, $2, -1, 'USD', 'usage', now())`,
        [`txn_${ulid()}`, accountId],
      ),
    ).rejects.toThrow(/charges_amount_sign_check/);
  });
});
