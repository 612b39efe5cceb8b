import { createWorkerMetrics } from '../../metrics/desk-metrics';
import { serveMetrics } from '../../metrics/endpoint';
import { KEYS, startDesk, type Desk } from '../integration/desk-harness';
import { accountWithFailedCalls, raw, submitClaim } from './security-harness';

/** OWASP API8:2023 security misconfiguration: headers, caching of personal data, error bodies, metrics. */
const METRICS_KEY = 'api8-metrics-key-0123456789abcdef0123456789';

let d: Desk;

beforeAll(async () => {
  d = await startDesk({ METRICS_KEY });
});

afterAll(async () => {
  await d?.close();
});

function expectHelmetHeaders(res: Response) {
  expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  expect(res.headers.get('x-frame-options')).toBe('SAMEORIGIN');
  expect(res.headers.get('strict-transport-security')).toMatch(/max-age=31536000/);
  expect(res.headers.get('referrer-policy')).toBe('no-referrer');
  expect(res.headers.get('cross-origin-opener-policy')).toBe('same-origin');
  expect(res.headers.get('content-security-policy')).toMatch(/frame-ancestors 'none'/);
  expect(res.headers.get('x-powered-by')).toBeNull();
}

describe('security headers on every response', () => {
  it('sends helmet headers on JSON answers, errors and the OpenAPI document; the API allows no active content', async () => {
    for (const res of [
      await raw(d, 'GET', '/healthz'),
      await raw(d, 'GET', '/openapi.json'),
      await raw(d, 'GET', '/v1/cases', { headers: { authorization: `Bearer ${KEYS.agent}` } }),
      await raw(d, 'GET', '/v1/cases'),
      await raw(d, 'GET', '/no/such/route'),
    ]) {
      expectHelmetHeaders(res);
      expect(res.headers.get('content-security-policy')).toMatch(/default-src 'none'/);
    }
  });

  it("keeps the console's own CSP (self-hosted scripts and styles) and gives the status page a hash-pinned style", async () => {
    const signIn = await raw(d, 'GET', '/console/sign-in');
    expectHelmetHeaders(signIn);
    expect(signIn.headers.get('content-security-policy')).toMatch(/script-src 'self'/);
    const claim = await submitClaim(d, await accountWithFailedCalls(d));
    const page = await raw(d, 'GET', `/claims/${claim.claimId}?token=${claim.claimToken}`);
    expect(page.status).toBe(200);
    expectHelmetHeaders(page);
    expect(page.headers.get('content-security-policy')).toMatch(/style-src 'sha256-[A-Za-z0-9+/]+=*'/);
  });
});

describe('Cache-Control: no-store on personal data', () => {
  it('marks claims, cases, credits, chargebacks, accounts, the status page and the console no-store', async () => {
    const account = await accountWithFailedCalls(d);
    const claim = await submitClaim(d, account);
    const staff = { authorization: `Bearer ${KEYS.lead}` };
    for (const [path, headers] of [
      [`/v1/claims/${claim.claimId}`, { authorization: `Bearer ${claim.claimToken}` }],
      [`/claims/${claim.claimId}?token=${claim.claimToken}`, {}],
      ['/v1/cases', staff],
      [`/v1/accounts/${account.accountId}`, staff],
      [`/v1/accounts/${account.accountId}/credits`, staff],
      ['/v1/chargebacks', staff],
      ['/console/sign-in', {}],
      [`/v1/claims/${claim.claimId}`, {}], // a refusal is no-store too
    ] as const) {
      const res = await raw(d, 'GET', path, { headers });
      expect([path, res.headers.get('cache-control')]).toEqual([path, 'no-store']);
    }
    const submitted = await raw(d, 'POST', '/v1/claims', {
      body: { accountId: account.accountId, reason: 'failed_request', requestIds: account.requestIds },
    });
    expect(submitted.headers.get('cache-control')).toBe('no-store');
  });

  it('lets impersonal documents be cached as usual', async () => {
    expect((await raw(d, 'GET', '/openapi.json')).headers.get('cache-control')).not.toBe('no-store');
  });
});

describe('no stack traces or internals in error bodies', () => {
  it.each([
    ['malformed JSON', '/v1/claims', '{"accountId": '],
    ['a wrong type', '/v1/claims', JSON.stringify({ accountId: 42, reason: 'failed_request' })],
    ['an unknown route', '/v1/nope', '{}'],
  ])('answers %s with a plain message only', async (_what, path, body) => {
    const res = await fetch(`${d.desk.apiUrl}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    });
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    const text = await res.text();
    expect(text).not.toMatch(/\n\s+at |node_modules|\.ts:\d+|SyntaxError:|ZodError/);
    expect(JSON.parse(text)).toEqual(expect.objectContaining({ error: expect.any(String) }));
  });
});

describe('/metrics is behind a key', () => {
  it('refuses a scrape without the METRICS_KEY bearer and serves it with the key', async () => {
    expect((await raw(d, 'GET', '/metrics')).status).toBe(401);
    const wrong = await raw(d, 'GET', '/metrics', { headers: { authorization: `Bearer ${METRICS_KEY}x` } });
    expect(wrong.status).toBe(401);
    const staffKey = await raw(d, 'GET', '/metrics', { headers: { authorization: `Bearer ${KEYS.operator}` } });
    expect(staffKey.status).toBe(401);
    const ok = await raw(d, 'GET', '/metrics', { headers: { authorization: `Bearer ${METRICS_KEY}` } });
    expect(ok.status).toBe(200);
    expect(await ok.text()).toMatch(/^# HELP /m);
  });

  it("guards the worker's own metrics port with the same key", async () => {
    const endpoint = await serveMetrics(createWorkerMetrics(), 0, METRICS_KEY, '127.0.0.1');
    try {
      const url = `http://127.0.0.1:${endpoint.port}/metrics`;
      expect((await fetch(url)).status).toBe(401);
      expect((await fetch(url, { headers: { authorization: 'Bearer nope' } })).status).toBe(401);
      const ok = await fetch(url, { headers: { authorization: `Bearer ${METRICS_KEY}` } });
      expect(ok.status).toBe(200);
      expect(await ok.text()).toMatch(/^# HELP /m);
    } finally {
      await endpoint.close();
    }
  });
});
