import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import { ulid } from 'ulid';
import { createDb } from '../../db';
import type { PolicyStore } from '../../db/policies';
import { createApp } from '../../server/app';
import { createLogger } from '../../wiring/logger';
import { HTML_PAGES, openApiPath, ROUTE_DOCS } from '../../server/openapi';
import { KEYS, startDesk, waitForClaimStatus, type Desk } from '../integration/desk-harness';
import { exerciseChargebackRoutes } from '../chargebacks/exercise-routes';
import { expressRoutes, ResponseChecker, templateOf, type OpenApiDoc } from './openapi-check';

interface Exchange {
  method: string;
  path: string;
  status: number;
  contentType: string;
  body: unknown;
}

let d: Desk;
let doc: OpenApiDoc;
const exchanges: Exchange[] = [];

beforeAll(async () => {
  d = await startDesk();
  doc = (await (await fetch(`${d.desk.apiUrl}/openapi.json`)).json()) as OpenApiDoc;
});

afterAll(async () => {
  await d?.close();
});

/** One HTTP call, recorded with its response for the document check. */
async function call(
  method: string,
  urlPath: string,
  options: { body?: unknown; bearer?: string; headers?: Record<string, string>; raw?: string } = {},
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- bodies are checked against the document, then read field by field
): Promise<{ status: number; body: any }> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (options.bearer) headers.authorization = `Bearer ${options.bearer}`;
  const res = await fetch(`${d.desk.apiUrl}${urlPath}`, {
    method,
    headers,
    body: options.raw ?? (options.body === undefined ? undefined : JSON.stringify(options.body)),
  });
  const contentType = res.headers.get('content-type') ?? '';
  const text = await res.text();
  const body = contentType.startsWith('application/json') ? JSON.parse(text) : text;
  exchanges.push({ method, path: urlPath, status: res.status, contentType, body });
  return { status: res.status, body };
}

const operator = { bearer: KEYS.operator };
const daysAgo = (n: number) => new Date(Date.now() - n * 86_400_000).toISOString();

/** A fresh account on `policyId` with two 5xx calls and a charge, fed in through the API. */
async function account(policyId: string) {
  const accountId = `acct_${ulid()}`;
  expect(
    (
      await call('PUT', `/v1/accounts/${accountId}`, {
        ...operator,
        body: { email: `${accountId.toLowerCase()}@c.example`, policyId },
      })
    ).status,
  ).toBe(201);
  const req = (suffix: string, httpStatus: number) => ({
    requestId: `${accountId}_${suffix}`,
    accountId,
    endpoint: '/v1/images/generate',
    model: 'sdxl',
    httpStatus,
    outcome: 'error',
    amountMinor: 150,
    currency: 'USD',
    outputDelivered: false,
    startedAt: daysAgo(2),
    completedAt: daysAgo(2),
  });
  expect(
    (await call('POST', '/v1/usage/requests', { ...operator, body: { records: [req('a', 502), req('b', 503)] } }))
      .status,
  ).toBe(200);
  const transactionId = `txn_${accountId}`;
  const charge = {
    transactionId,
    invoiceNumber: null,
    paymentReference: `pi_${accountId}`,
    accountId,
    amountMinor: 5000,
    currency: 'USD',
    kind: 'credit_purchase',
    createdAt: daysAgo(3),
  };
  expect((await call('POST', '/v1/usage/charges', { ...operator, body: { records: [charge] } })).status).toBe(200);
  return { accountId, requestIds: [`${accountId}_a`, `${accountId}_b`], transactionId };
}

async function submit(body: object, headers?: Record<string, string>) {
  const res = await call('POST', '/v1/claims', { body, headers });
  expect(res.status).toBe(202);
  return { claimId: res.body.claimId as string, claimToken: d.claimToken(res.body.claimId) };
}

/** Every route, including refusals, the way a client meets them. */
async function exerciseEveryRoute() {
  await call('GET', '/healthz');
  await call('GET', '/metrics');
  await call('GET', '/openapi.json');
  await call('GET', '/v1/policies');
  await call('GET', '/v1/policies/pixazo-api');
  expect((await call('GET', '/v1/policies/no-such-policy')).status).toBe(404);
  const simulation = JSON.parse(
    readFileSync(path.join(__dirname, '../../examples/simulations/pixazo-5xx.json'), 'utf8'),
  );
  expect(
    (await call('POST', '/v1/policies/pixazo-api/simulate', { bearer: KEYS.agent, body: simulation })).status,
  ).toBe(200);
  expect((await call('POST', '/v1/policies/pixazo-api/simulate', { body: simulation })).status).toBe(401);

  const { accountId, requestIds, transactionId } = await account('pixazo-api');
  expect(
    (
      await call('PUT', `/v1/accounts/${accountId}`, {
        ...operator,
        body: { email: `${accountId.toLowerCase()}@c.example`, policyId: 'pixazo-api' },
      })
    ).status,
  ).toBe(200);
  expect(
    (
      await call('PUT', `/v1/accounts/${accountId}`, {
        bearer: KEYS.agent,
        body: { email: 'x@c.example', policyId: 'pixazo-api' },
      })
    ).status,
  ).toBe(403);
  expect(
    (
      await call('PUT', `/v1/accounts/${accountId}`, {
        ...operator,
        body: { email: 'not an email', policyId: 'pixazo-api' },
      })
    ).status,
  ).toBe(400);
  const outage = { id: `out_${ulid()}`, startedAt: daysAgo(5), endedAt: daysAgo(4.9), cause: 'database failover' };
  expect((await call('POST', '/v1/usage/outages', { ...operator, body: { records: [outage] } })).status).toBe(200);
  const stranger = {
    requestId: `req_${ulid()}`,
    accountId: 'acct_nobody',
    endpoint: '/x',
    httpStatus: 500,
    outcome: 'error',
    amountMinor: 1,
    currency: 'USD',
    outputDelivered: false,
    startedAt: daysAgo(1),
  };
  expect((await call('POST', '/v1/usage/requests', { ...operator, body: { records: [stranger] } })).status).toBe(422);

  const credits = `/v1/accounts/${accountId}/credits`;
  expect(
    (
      await call('POST', `${credits}/grants`, {
        ...operator,
        body: { kind: 'purchased', amountMinor: 5000, transactionId },
      })
    ).status,
  ).toBe(201);
  expect(
    (
      await call('POST', `${credits}/grants`, {
        ...operator,
        body: { kind: 'purchased', amountMinor: 5000, transactionId },
      })
    ).status,
  ).toBe(200);
  expect(
    (
      await call('POST', `${credits}/consume`, {
        ...operator,
        headers: { 'Idempotency-Key': ulid() },
        body: { amountMinor: 100, why: 'usage' },
      })
    ).status,
  ).toBe(200);
  expect(
    (
      await call('POST', `${credits}/consume`, {
        ...operator,
        headers: { 'Idempotency-Key': ulid() },
        body: { amountMinor: 10_000_000, why: 'usage' },
      })
    ).status,
  ).toBe(409);
  expect((await call('GET', `${credits}?movementLimit=10`, { bearer: KEYS.agent })).status).toBe(200);
  expect((await call('GET', '/v1/accounts/acct_nobody/credits', { bearer: KEYS.agent })).status).toBe(404);

  // A claim the engine decides, submitted twice under one key, then once more with another body.
  const key = { 'Idempotency-Key': ulid() };
  const credited = await submit({ accountId, reason: 'failed_request', requestIds }, key);
  expect(
    (await call('POST', '/v1/claims', { headers: key, body: { accountId, reason: 'failed_request', requestIds } }))
      .status,
  ).toBe(200);
  expect(
    (await call('POST', '/v1/claims', { headers: key, body: { accountId, reason: 'other', requestIds } })).status,
  ).toBe(409);
  expect((await call('POST', '/v1/claims', { body: { reason: 'failed_request' } })).status).toBe(400);
  await waitForClaimStatus(d, credited.claimId, credited.claimToken, 'closed');
  expect((await call('GET', `/v1/claims/${credited.claimId}`, { bearer: credited.claimToken })).status).toBe(200);
  expect((await call('GET', `/v1/claims/${credited.claimId}`, { bearer: KEYS.agent })).status).toBe(200);
  expect((await call('GET', `/v1/claims/${credited.claimId}`)).status).toBe(401);
  expect((await call('GET', '/v1/mail/unprocessable', { bearer: KEYS.agent })).status).toBe(200);
  expect((await call('GET', `/v1/cases/${credited.claimId}`, { bearer: KEYS.agent })).status).toBe(200);

  // A claim a person decides after asking the customer, paid as a refund that finance confirms.
  const reviewed = await submit({
    accountId,
    reason: 'billing_error',
    transactionId,
    explanation: 'charged $50, my plan is $40',
  });
  await waitForClaimStatus(d, reviewed.claimId, reviewed.claimToken, 'in_review');
  expect((await call('GET', '/v1/cases?status=in_review&overdue=false&limit=5', { bearer: KEYS.agent })).status).toBe(
    200,
  );
  expect((await call('GET', '/v1/cases?status=lost', { bearer: KEYS.agent })).status).toBe(400);
  const cases = `/v1/cases/${reviewed.claimId}`;
  expect(
    (await call('POST', `${cases}/request-info`, { bearer: KEYS.agent, body: { message: 'Which invoice?' } })).status,
  ).toBe(200);
  expect(
    (
      await call('POST', `/v1/claims/${reviewed.claimId}/reply`, {
        bearer: reviewed.claimToken,
        body: { message: 'INV-1' },
      })
    ).status,
  ).toBe(200);
  await waitForClaimStatus(d, reviewed.claimId, reviewed.claimToken, 'in_review');
  const decision = { outcome: 'partially_approved', amountMinor: 1000, remedy: 'refund', note: 'overcharged by $10' };
  expect((await call('POST', `${cases}/decision`, { bearer: KEYS.agent, body: decision })).status).toBe(403);
  expect((await call('POST', `${cases}/decision`, { bearer: KEYS.lead, body: decision })).status).toBe(200);
  expect((await call('GET', cases, { bearer: KEYS.finance })).status).toBe(200);
  await waitForClaimStatus(d, reviewed.claimId, reviewed.claimToken, 'awaiting_payout');
  expect((await call('POST', `${cases}/decision`, { bearer: KEYS.lead, body: decision })).status).toBe(200); // the same decision again
  expect(
    (
      await call('POST', `${cases}/decision`, {
        bearer: KEYS.lead,
        body: { outcome: 'denied', remedy: 'none', note: 'changed my mind' },
      })
    ).status,
  ).toBe(409);
  expect(
    (await call('POST', `${cases}/payout-confirmation`, { bearer: KEYS.finance, body: { processorReference: 're_1' } }))
      .status,
  ).toBe(200);
  await waitForClaimStatus(d, reviewed.claimId, reviewed.claimToken, 'closed');
  expect(
    (await call('POST', `${cases}/payout-confirmation`, { bearer: KEYS.finance, body: { processorReference: 're_1' } }))
      .status,
  ).toBe(200);
  expect((await call('GET', cases, { bearer: KEYS.lead })).status).toBe(200);
  // Only a claim in needs_attention is retried or closed this way (the guard's path has its own tests).
  const attention = (body: unknown) => call('POST', `${cases}/attention`, { bearer: KEYS.lead, body });
  expect((await attention({ action: 'retry', why: 'try again' })).status).toBe(409);
  expect((await attention({ action: 'reopen' })).status).toBe(400);
  expect(
    (
      await call('POST', `/v1/cases/clm_${ulid()}/payout-confirmation`, {
        bearer: KEYS.finance,
        body: { processorReference: 're_1' },
      })
    ).status,
  ).toBe(404);

  // A claim its customer withdraws, then cannot withdraw again.
  const withdrawn = await submit({ accountId, reason: 'billing_error', transactionId, explanation: 'double charge?' });
  await waitForClaimStatus(d, withdrawn.claimId, withdrawn.claimToken, 'in_review');
  expect(
    (
      await call('POST', `/v1/claims/${withdrawn.claimId}/withdraw`, {
        bearer: withdrawn.claimToken,
        body: { why: 'found it' },
      })
    ).status,
  ).toBe(200);
  expect(
    (await call('POST', `/v1/claims/${withdrawn.claimId}/withdraw`, { bearer: withdrawn.claimToken, body: {} })).status,
  ).toBe(409);
  expect(
    (
      await call('POST', `/v1/claims/${withdrawn.claimId}/reply`, {
        bearer: credited.claimToken,
        body: { message: 'hi' },
      })
    ).status,
  ).toBe(404);
  // Its customer revokes the tokens: a fresh one comes back, the old one is refused.
  const revoked = await call('POST', `/v1/claims/${withdrawn.claimId}/token/revoke`, {
    bearer: withdrawn.claimToken,
    body: { reason: 'shared the link' },
  });
  expect(revoked.status).toBe(200);
  expect((await call('GET', `/v1/claims/${withdrawn.claimId}`, { bearer: withdrawn.claimToken })).status).toBe(404);

  // Termination answers with what became of the account's credits.
  const terminated = await call('PUT', `/v1/accounts/${accountId}`, {
    ...operator,
    body: { email: `${accountId.toLowerCase()}@c.example`, policyId: 'pixazo-api', status: 'terminated' },
  });
  expect(terminated.body.credits).toBeDefined();

  await exerciseChargebackRoutes(call, KEYS);
}

describe('the OpenAPI document', () => {
  it('is valid OpenAPI 3.1', () => {
    const file = path.join(os.tmpdir(), `refund-desk-openapi-${process.pid}.json`);
    writeFileSync(file, JSON.stringify(doc));
    const validator = require.resolve('@seriousme/openapi-schema-validator/bin/validate-api-cli.js');
    expect(JSON.parse(execFileSync(process.execPath, [validator, file], { encoding: 'utf8' }))).toEqual({
      valid: true,
    });
  });

  it('documents every route express serves, and nothing it does not', () => {
    const app = createApp({
      db: createDb('postgres://unused@127.0.0.1:1/unused'),
      temporal: {} as Client,
      policies: {} as PolicyStore,
      logger: createLogger('silent'),
      taskQueue: 'unused',
      claimTokenSecret: 'unused-secret-0123456789',
    });
    // HTML pages for people (the customer status page) are not part of the JSON API, on purpose.
    const pages = new Set(HTML_PAGES.map((p) => `${p.method.toUpperCase()} ${p.path}`));
    const served = expressRoutes(app.router)
      .filter((r) => !pages.has(r))
      .map((r) => r.replace(/ (\S+)$/, (_m, p: string) => ` ${openApiPath(p)}`))
      .sort();
    const documented = Object.entries(doc.paths)
      .flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${p}`))
      .sort();
    expect(documented).toEqual(served);
    expect(new Set(ROUTE_DOCS.map((r) => `${r.method} ${r.path}`)).size).toBe(ROUTE_DOCS.length);
  });

  it('puts the enums the server enforces on query parameters, and the Error body on every error', () => {
    const cases = doc.paths['/v1/cases']!.get as unknown as {
      parameters: { name: string; schema: { enum?: string[] } }[];
    };
    expect(cases.parameters.find((p) => p.name === 'status')!.schema.enum).toContain('in_review');
    expect(cases.parameters.find((p) => p.name === 'overdue')!.schema.enum).toEqual(['true', 'false']);
    for (const [p, ops] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        for (const [status, response] of Object.entries(op.responses)) {
          if (Number(status) >= 400 && !(p === '/healthz' && status === '503')) {
            expect({ [`${method} ${p} ${status}`]: response.content?.['application/json']?.schema }).toEqual({
              [`${method} ${p} ${status}`]: { $ref: '#/components/schemas/Error' },
            });
          }
        }
      }
    }
  });

  it('describes every real response: status, media type and body', async () => {
    await exerciseEveryRoute();
    const checker = new ResponseChecker(doc);
    const problems = exchanges.flatMap((e) => checker.problems(e.method, e.path, e.status, e.contentType, e.body));
    expect(problems).toEqual([]);
    // Each documented operation met at least once: a new route adds a call above.
    const met = new Set(exchanges.map((e) => `${e.method.toLowerCase()} ${templateOf(doc, e.path)}`));
    const unmet = Object.entries(doc.paths)
      .flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m} ${p}`))
      .filter((op) => !met.has(op));
    expect(unmet).toEqual([]);
    expect(exchanges.some((e) => e.status === 200 && e.path === '/v1/claims' && e.method === 'POST')).toBe(true);
  });
});
