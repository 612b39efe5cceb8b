import { ulid } from 'ulid';
import { books, creditWorld, DAY, KEEPS_CREDITS, KEYS, type CreditWorld, type Http } from './credits-harness';

let world: CreditWorld;
let http: Http;

beforeAll(async () => {
  world = await creditWorld();
  http = await world.http();
});

afterAll(async () => {
  await world?.close();
});

const operator = { bearer: KEYS.operator };

async function account(policyId: string) {
  const accountId = `acct_${ulid()}`;
  const put = await http.call('PUT', `/v1/accounts/${accountId}`, {
    ...operator,
    body: { email: `${accountId.toLowerCase()}@c.example`, policyId },
  });
  expect(put.status).toBe(201);
  return accountId;
}

async function charge(accountId: string, createdAt: string) {
  const transactionId = `txn_${ulid()}`;
  const fed = await http.call('POST', '/v1/usage/charges', {
    ...operator,
    body: {
      records: [{ transactionId, accountId, amountMinor: 5000, currency: 'USD', kind: 'credit_purchase', createdAt }],
    },
  });
  expect(fed.status).toBe(200);
  return transactionId;
}

describe('the credits API', () => {
  it('grants purchased credit from a charge once, dated and expiring from the purchase', async () => {
    const accountId = await account('pixazo-api');
    const transactionId = await charge(accountId, '2026-03-01T15:00:00Z');
    const body = { kind: 'purchased', amountMinor: 5000, transactionId };
    const first = await http.call('POST', `/v1/accounts/${accountId}/credits/grants`, { ...operator, body });
    expect(first.status).toBe(201);
    expect(first.body.grant).toMatchObject({
      kind: 'purchased',
      amountMinor: 5000,
      remainingMinor: 5000,
      currency: 'USD',
      source: `charge:${transactionId}`,
      grantedAt: '2026-03-01T15:00:00.000Z',
      expiresAt: '2027-03-01T15:00:00.000Z',
      expiryClause: '§4.2',
      policy: { id: 'pixazo-api', version: expect.any(String) },
    });
    const again = await http.call('POST', `/v1/accounts/${accountId}/credits/grants`, { ...operator, body });
    expect(again.status).toBe(200);
    expect(again.body).toEqual({ grant: first.body.grant, replayed: true });
    const changed = await http.call('POST', `/v1/accounts/${accountId}/credits/grants`, {
      ...operator,
      body: { ...body, amountMinor: 4000 },
    });
    expect(changed.status).toBe(409);
    expect(await books(world.db, accountId)).toEqual([
      { currency: 'USD', movements: 5000, remaining: 5000, view: 5000 },
    ]);
  });

  it('refuses a charge of another account, and promotional credit where the pack has none', async () => {
    const mine = await account('sora2-api');
    const theirs = await account('sora2-api');
    const transactionId = await charge(theirs, new Date().toISOString());
    const stolen = await http.call('POST', `/v1/accounts/${mine}/credits/grants`, {
      ...operator,
      body: { kind: 'purchased', amountMinor: 1, transactionId },
    });
    expect(stolen.status).toBe(422);
    const promo = await http.call('POST', `/v1/accounts/${mine}/credits/grants`, {
      ...operator,
      body: { kind: 'promotional', amountMinor: 100, source: 'spring-promo' },
    });
    expect(promo.status).toBe(422);
    expect(promo.body.details.code).toBe('not_granted_by_policy');
    const claimKind = await http.call('POST', `/v1/accounts/${mine}/credits/grants`, {
      ...operator,
      body: { kind: 'claim', amountMinor: 100, source: 'x' },
    });
    expect(claimKind.status).toBe(400);
    const unknown = await http.call('POST', '/v1/accounts/acct_nobody/credits/grants', {
      ...operator,
      body: { kind: 'purchased', amountMinor: 1, source: 'x' },
    });
    expect(unknown.status).toBe(404);
  });

  it('consumes over HTTP with an Idempotency-Key, refuses an overdraft with 409, and shows the statement to any staff key', async () => {
    const accountId = await account('pixazo-api');
    const grant = (source: string, amountMinor: number, kind = 'purchased') =>
      http.call('POST', `/v1/accounts/${accountId}/credits/grants`, {
        ...operator,
        body: { kind, amountMinor, source },
      });
    const purchased = (await grant('p1', 1000)).body.grant;
    const promo = (await grant('welcome', 300, 'promotional')).body.grant;

    const consume = (key: string, amountMinor: number) =>
      http.call('POST', `/v1/accounts/${accountId}/credits/consume`, {
        ...operator,
        headers: { 'idempotency-key': key },
        body: { amountMinor, why: 'image generations' },
      });
    const used = await consume('usage-1', 500);
    expect(used.status).toBe(200);
    expect(used.body).toMatchObject({
      consumed: { amountMinor: 500, currency: 'USD' },
      replayed: false,
      parts: [
        { grantId: promo.id, amountMinor: 300 },
        { grantId: purchased.id, amountMinor: 200 },
      ],
    });
    expect((await consume('usage-1', 500)).body.replayed).toBe(true);
    const overdraft = await consume('usage-2', 801);
    expect(overdraft.status).toBe(409);
    expect(overdraft.body.details).toMatchObject({ code: 'insufficient_credits', availableMinor: 800 });
    const noKey = await http.call('POST', `/v1/accounts/${accountId}/credits/consume`, {
      ...operator,
      body: { amountMinor: 1, why: 'x' },
    });
    expect(noKey.status).toBe(400);
    const decimals = await http.call('POST', `/v1/accounts/${accountId}/credits/consume`, {
      ...operator,
      body: { amountMinor: 1.5, why: 'x', idempotencyKey: 'dec' },
    });
    expect(decimals.status).toBe(400);

    const agentConsumes = await http.call('POST', `/v1/accounts/${accountId}/credits/consume`, {
      bearer: KEYS.agent,
      body: { amountMinor: 1, why: 'x', idempotencyKey: 'agent' },
    });
    expect(agentConsumes.status).toBe(403);
    expect((await http.call('GET', `/v1/accounts/${accountId}/credits`)).status).toBe(401);

    const statement = await http.call('GET', `/v1/accounts/${accountId}/credits`, { bearer: KEYS.agent });
    expect(statement.status).toBe(200);
    expect(statement.body).toMatchObject({
      accountId,
      status: 'active',
      policyId: 'pixazo-api',
      balances: [{ currency: 'USD', balanceMinor: 800, availableMinor: 800 }],
      movementCount: 4,
    });
    expect(statement.body.grants.map((g: { remainingMinor: number }) => g.remainingMinor)).toEqual([800, 0]);
    expect(statement.body.movements.map((m: { kind: string; amountMinor: number }) => [m.kind, m.amountMinor])).toEqual(
      [
        ['grant', 1000],
        ['grant', 300],
        ['consume', -300],
        ['consume', -200],
      ],
    );
    expect(statement.body.movements[2]).toMatchObject({
      actor: 'staff:operator:cr-operator',
      why: 'image generations',
    });
    expect((await http.call('GET', '/v1/accounts/acct_nobody/credits', { bearer: KEYS.agent })).status).toBe(404);
  });
});

describe('termination', () => {
  async function fundedAccount(policyId: string) {
    const accountId = await account(policyId);
    await world.grant(accountId, 'purchased', 700, new Date(Date.now() - DAY));
    await world.grant(accountId, 'claim', 300, new Date(Date.now() - DAY));
    return accountId;
  }
  const terminate = (accountId: string, policyId: string) =>
    http.call('PUT', `/v1/accounts/${accountId}`, {
      ...operator,
      body: { email: `${accountId.toLowerCase()}@c.example`, policyId, status: 'terminated' },
    });

  it('forfeits every remaining credit when the pack says so (pixazo-api §9.4), in the same request', async () => {
    const accountId = await fundedAccount('pixazo-api');
    const put = await terminate(accountId, 'pixazo-api');
    expect(put.status).toBe(200);
    expect(put.body.credits).toMatchObject({ forfeited: true, clause: '§9.4' });
    expect(put.body.credits.grants.map((g: { amountMinor: number }) => g.amountMinor).sort()).toEqual([300, 700]);
    expect(await books(world.db, accountId)).toEqual([{ currency: 'USD', movements: 0, remaining: 0, view: 0 }]);
    const { rows } = await world.db.query<{ why: string }>(
      `SELECT why FROM credit_movements WHERE account_id = $1 AND kind = 'forfeit'`,
      [accountId],
    );
    expect(rows).toHaveLength(2);
    expect(rows[0]!.why).toContain('Upon termination, all API Credits remaining');
    // Terminating again changes nothing.
    expect((await terminate(accountId, 'pixazo-api')).body.credits.grants).toEqual([]);
  });

  it('keeps credits where the pack does not forfeit them', async () => {
    const accountId = await fundedAccount(KEEPS_CREDITS);
    const put = await terminate(accountId, KEEPS_CREDITS);
    expect(put.status).toBe(200);
    expect(put.body.credits).toEqual({ forfeited: false, clause: 'test', grants: [] });
    expect(await books(world.db, accountId)).toEqual([
      { currency: 'USD', movements: 1000, remaining: 1000, view: 1000 },
    ]);
  });

  it('leaves credits alone when an account is merely suspended', async () => {
    const accountId = await fundedAccount('pixazo-api');
    const put = await http.call('PUT', `/v1/accounts/${accountId}`, {
      ...operator,
      body: { email: `${accountId.toLowerCase()}@c.example`, policyId: 'pixazo-api', status: 'suspended' },
    });
    expect(put.status).toBe(200);
    expect(put.body.credits).toBeUndefined();
    expect(await books(world.db, accountId)).toEqual([
      { currency: 'USD', movements: 1000, remaining: 1000, view: 1000 },
    ]);
  });
});
