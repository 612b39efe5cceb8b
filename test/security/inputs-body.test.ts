import { gzipSync } from 'node:zlib';
import { ulid } from 'ulid';
import { KEYS, startDesk, type Desk } from '../integration/desk-harness';
import { freshAccount, rawRequest, rowCounts } from './inputs-support';

/**
 * #12 §3: a client's malformed body, encoding or path is a 4xx that names the problem, never a 5xx, and nothing
 * is written. Bodies are read within each route's limit before any parsing (server/body-limits.ts).
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

const claim = () => JSON.stringify({ accountId, reason: 'other', explanation: `inputs ${ulid()}` });
const send = (options: Parameters<typeof rawRequest>[1]) => rawRequest(d.desk.apiUrl, options);

/** Runs `request` and checks its status, its error body, and that no table changed. */
async function refused(request: () => Promise<{ status: number; body: unknown }>, status: number, error: RegExp) {
  const before = await rowCounts(d);
  const answer = await request();
  expect({ status: answer.status, body: answer.body }).toEqual({
    status,
    body: expect.objectContaining({ error: expect.stringMatching(error), requestId: expect.any(String) }),
  });
  expect(await rowCounts(d)).toEqual(before);
}

describe('bodies and paths a client got wrong', () => {
  it('answers 415 to a JSON body in an unsupported charset', async () => {
    await refused(
      () =>
        send({
          method: 'POST',
          path: '/v1/claims',
          headers: { 'content-type': 'application/json; charset=bogus' },
          body: claim(),
        }),
      415,
      /unsupported charset "BOGUS"/,
    );
  });

  it('answers 400 to a body sent as gzip that is not gzip', async () => {
    await refused(
      () =>
        send({
          method: 'POST',
          path: '/v1/claims',
          headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
          body: claim(),
        }),
      400,
      /could not be decoded/,
    );
  });

  it('answers 415 to Content-Encoding: compress, and accepts real gzip', async () => {
    await refused(
      () =>
        send({
          method: 'POST',
          path: '/v1/claims',
          headers: { 'content-type': 'application/json', 'content-encoding': 'compress' },
          body: claim(),
        }),
      415,
      /unsupported Content-Encoding "compress"/,
    );
    const gzipped = await send({
      method: 'POST',
      path: '/v1/claims',
      headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
      body: gzipSync(claim()),
    });
    expect(gzipped.status).toBe(202);
  });

  it('answers 415 to a body that is not JSON on a JSON route', async () => {
    await refused(
      () => send({ method: 'POST', path: '/v1/claims', headers: { 'content-type': 'text/plain' }, body: claim() }),
      415,
      /send the body as application\/json/,
    );
  });

  it('answers 400 to a body that is not valid JSON', async () => {
    await refused(
      () =>
        send({ method: 'POST', path: '/v1/claims', headers: { 'content-type': 'application/json' }, body: '{"a":' }),
      400,
      /not valid JSON/,
    );
  });

  it('answers 400 to a bad %-escape in a path', async () => {
    await refused(
      () =>
        send({
          method: 'GET',
          path: '/v1/accounts/%E0%A4%A/credits',
          headers: { authorization: `Bearer ${KEYS.agent}` },
        }),
      400,
      /malformed %-escape/,
    );
    await refused(
      () =>
        send({
          method: 'PUT',
          path: '/v1/accounts/acct_%ZZ',
          headers: { authorization: `Bearer ${KEYS.operator}`, 'content-type': 'application/json' },
          body: JSON.stringify({ email: 'x@inputs.example', policyId: 'pixazo-api' }),
        }),
      400,
      /malformed %-escape/,
    );
  });
});

describe('body limits, per route, before parsing', () => {
  const nested = (bytes: number) => '['.repeat(bytes / 2) + ']'.repeat(bytes / 2);

  it('refuses a body over the 64 KB default with 413, whatever it holds', async () => {
    await refused(
      () =>
        send({
          method: 'PUT',
          path: `/v1/accounts/${accountId}`,
          headers: { authorization: `Bearer ${KEYS.operator}`, 'content-type': 'application/json' },
          body: JSON.stringify({ email: 'x@inputs.example', policyId: 'pixazo-api', pad: 'x'.repeat(70_000) }),
        }),
      413,
      /larger than this route accepts \(65536 bytes\)/,
    );
  });

  it('lets a claim carry evidence attachments up to 1 MB, and refuses more', async () => {
    const evidence = (n: number) =>
      Array.from({ length: n }, () => ({ kind: 'error_log', content: 'e'.repeat(90_000) }));
    const fits = await d.call('POST', '/v1/claims', { body: { accountId, reason: 'other', evidence: evidence(10) } });
    expect(fits.status).toBe(202);
    await refused(
      () =>
        d.call('POST', '/v1/claims', {
          body: { accountId, reason: 'other', evidence: evidence(12) },
        }),
      413,
      /larger than this route accepts \(1048576 bytes\)/,
    );
  });

  it('reads no bulk body before the staff key is checked', async () => {
    // 2 MB is within the ledger batch limit (8 MB), but without a key nothing of it is read or parsed.
    await refused(
      () =>
        send({
          method: 'POST',
          path: '/v1/usage/requests',
          headers: { 'content-type': 'application/json' },
          body: nested(2 * 1024 * 1024),
        }),
      401,
      /staff API key is required/,
    );
  });

  it('refuses four 24 MB nested bodies, sized or chunked, while /healthz keeps answering', async () => {
    const body = Buffer.from(nested(24 * 1024 * 1024));
    const chunks = Array.from({ length: 24 }, (_, i) => body.subarray(i * 1024 * 1024, (i + 1) * 1024 * 1024));
    const before = await rowCounts(d);
    const floods = [
      send({ method: 'POST', path: '/v1/claims', headers: { 'content-type': 'application/json' }, body }),
      send({ method: 'POST', path: '/v1/claims', headers: { 'content-type': 'application/json' }, body: chunks }),
      send({
        method: 'POST',
        path: '/v1/usage/charges',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${KEYS.operator}` },
        body,
      }),
      send({
        method: 'POST',
        path: '/v1/chargebacks',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${KEYS.operator}` },
        body: chunks,
      }),
    ];
    const health = await send({ method: 'GET', path: '/healthz' });
    expect(health.status).toBe(200);
    expect((await Promise.all(floods)).map((f) => f.status)).toEqual([413, 413, 413, 413]);
    expect(await rowCounts(d)).toEqual(before);
  });
});
