import { ulid } from 'ulid';
import { PgRateLimitStore } from '../../server/rate-limits';
import { KEYS, startDesk, type Desk } from '../integration/desk-harness';
import { accountWithFailedCalls, raw } from './security-harness';

/** OWASP API4:2023 unrestricted resource consumption: intake limits per client and per account, in PostgreSQL. */
const PER_CLIENT = 5;
const PER_ACCOUNT = 3;

let d: Desk;

beforeAll(async () => {
  d = await startDesk({
    CLAIM_RATE_LIMIT_PER_CLIENT: String(PER_CLIENT),
    CLAIM_RATE_LIMIT_PER_ACCOUNT: String(PER_ACCOUNT),
    CLAIM_RATE_LIMIT_WINDOW_SECONDS: '3600',
    // The harness's requests all come from 127.0.0.1; behind this trusted hop, X-Forwarded-For names the client.
    TRUST_PROXY: 'loopback',
  });
});

afterAll(async () => {
  await d?.close();
});

let lastOctets = 0;
/** A client address of its own (TEST-NET-3), so each test starts with fresh per-client counters. */
function newClient(): string {
  lastOctets += 1;
  return `203.0.${Math.floor(Math.random() * 250)}.${lastOctets % 250}`;
}

const claim = (client: string, body: unknown, headers: Record<string, string> = {}) =>
  raw(d, 'POST', '/v1/claims', { headers: { 'x-forwarded-for': client, ...headers }, body });

describe('per-client limit on POST /v1/claims', () => {
  it('counts every request of one address and answers 429 with draft-8 RateLimit headers once over', async () => {
    const client = newClient();
    for (let i = 1; i <= PER_CLIENT; i++) {
      const res = await claim(client, { reason: 'failed_request' }); // invalid: 400, but it still costs
      expect(res.status).toBe(400);
      expect(res.headers.get('ratelimit-policy')).toMatch(
        new RegExp(`^"per-client"; q=${PER_CLIENT}; w=3600; pk=:[^:]+:, "per-account"; q=${PER_ACCOUNT}; w=3600`),
      );
      expect(res.headers.get('ratelimit')).toMatch(new RegExp(`^"per-client"; r=${PER_CLIENT - i}; t=\\d+`));
    }
    const refused = await claim(client, { reason: 'failed_request' });
    expect(refused.status).toBe(429);
    expect(refused.headers.get('ratelimit')).toMatch(/^"per-client"; r=0; t=\d+/);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await refused.json()).toEqual({
      error: expect.stringContaining('too many claims'),
      retryable: true,
      requestId: expect.any(String),
    });
    // Another address is not affected.
    expect((await claim(newClient(), { reason: 'failed_request' })).status).toBe(400);
  });

  it('counts an API client by its staff key, and an unknown key by its address', async () => {
    const client = newClient();
    for (let i = 0; i < PER_CLIENT; i++) await claim(client, {});
    expect((await claim(client, {})).status).toBe(429);
    const unknownKey = await claim(client, {}, { authorization: `Bearer not-a-staff-key-${ulid()}` });
    expect(unknownKey.status).toBe(429);
    const apiClient = await claim(client, {}, { authorization: `Bearer ${KEYS.agent}` });
    expect(apiClient.status).toBe(400);
    expect(apiClient.headers.get('ratelimit')).toMatch(/^"per-client"; r=\d+/);
  });
});

describe('per-account limit on POST /v1/claims', () => {
  it('accepts PER_ACCOUNT claims for one account from any number of clients, then 429; other accounts go on', async () => {
    const account = await accountWithFailedCalls(d, 4);
    const body = (requestIds: string[]) => ({ accountId: account.accountId, reason: 'failed_request', requestIds });
    const statuses: number[] = [];
    for (let i = 0; i < PER_ACCOUNT; i++) {
      const res = await claim(newClient(), body([account.requestIds[i]!]));
      statuses.push(res.status);
      // Both policies apply to an accepted claim, each named.
      expect(res.headers.get('ratelimit')).toMatch(
        new RegExp(`"per-client"; r=\\d+; t=\\d+.*, "per-account"; r=${PER_ACCOUNT - 1 - i}; t=\\d+`),
      );
    }
    expect(statuses).toEqual(Array(PER_ACCOUNT).fill(202));
    const over = await claim(newClient(), body([account.requestIds[3]!]));
    expect(over.status).toBe(429);
    expect(over.headers.get('ratelimit')).toMatch(/"per-account"; r=0/);
    // The same account named by its email is the same account.
    const byEmail = await claim(newClient(), { email: account.email, reason: 'failed_request', requestIds: ['x'] });
    expect(byEmail.status).toBe(429);
    const other = await accountWithFailedCalls(d, 1);
    const ok = await claim(newClient(), {
      accountId: other.accountId,
      reason: 'failed_request',
      requestIds: other.requestIds,
    });
    expect(ok.status).toBe(202);
  });

  it('does not count refused claims against the account', async () => {
    const account = await accountWithFailedCalls(d, 1);
    for (let i = 0; i < PER_ACCOUNT + 2; i++) {
      const res = await claim(newClient(), { accountId: account.accountId, reason: 'not-a-reason' });
      expect(res.status).toBe(400);
    }
    const ok = await claim(newClient(), {
      accountId: account.accountId,
      reason: 'failed_request',
      requestIds: account.requestIds,
    });
    expect(ok.status).toBe(202);
  });
});

describe('the PostgreSQL store', () => {
  it('shares one atomic counter between stores (API processes), under concurrency', async () => {
    const key = `test:${ulid()}`;
    const a = new PgRateLimitStore(d.db, 'api4:');
    const b = new PgRateLimitStore(d.db, 'api4:');
    for (const s of [a, b]) s.init({ windowMs: 60_000 } as Parameters<PgRateLimitStore['init']>[0]);
    const counts = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).increment(key)));
    expect(counts.map((c) => c.totalHits).sort((x, y) => x - y)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    const { rows } = await d.db.query('SELECT hits FROM rate_limit_hits WHERE key = $1', [`api4:${key}`]);
    expect(rows).toEqual([{ hits: 20 }]);
    await a.decrement(key);
    expect((await b.increment(key)).totalHits).toBe(20);
    await b.resetKey(key);
    expect((await a.increment(key)).totalHits).toBe(1);
  });
});
