import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { ulid } from 'ulid';
import { KEYS, startDesk, type Desk } from '../integration/desk-harness';

export { KEYS };
export const SECRETS = { previous: 'whsec_previous_test_secret', current: 'whsec_current_test_secret' };
export const PLATFORM_SECRET = `whsec_${Buffer.from('platform-secret-for-tests-0123456789').toString('base64')}`;

async function body(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** The platform's webhook endpoint: verifies each delivery with `standardwebhooks` and keeps the verified ones. */
export async function startPlatformReceiver() {
  const verifier = new Webhook(PLATFORM_SECRET);
  const received: { id: string; type: string; data: Record<string, unknown> }[] = [];
  const refused: string[] = [];
  const server = createServer(async (req, res) => {
    const text = await body(req);
    try {
      const event = verifier.verify(text, req.headers as Record<string, string>) as {
        type: string;
        data: Record<string, unknown>;
      };
      received.push({ id: String(req.headers['webhook-id']), ...event });
      res.writeHead(204).end();
    } catch (err) {
      refused.push((err as Error).message);
      res.writeHead(400).end();
    }
  });
  const url = await listen(server);
  return {
    url: `${url}/refund-desk-events`,
    received,
    refused,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

/**
 * A stand-in for Stripe's HTTP API behind the real Stripe adapter: records each request and answers like Stripe,
 * after `holdMs` when a test needs a slow processor.
 */
export async function startFakeStripeApi({ holdMs = 0 } = {}) {
  const requests: { method: string; path: string; idempotencyKey: string | undefined; form: URLSearchParams }[] = [];
  const server = createServer(async (req, res) => {
    const form = new URLSearchParams(await body(req));
    requests.push({
      method: req.method!,
      path: req.url!,
      idempotencyKey: req.headers['idempotency-key'] as string | undefined,
      form,
    });
    const id = req.url!.split('/')[3]!;
    if (holdMs) await new Promise((r) => setTimeout(r, holdMs));
    res.writeHead(200, { 'content-type': 'application/json', 'request-id': `req_${ulid()}` });
    res.end(JSON.stringify({ id, object: 'dispute', status: req.url!.endsWith('/close') ? 'lost' : 'under_review' }));
  });
  const url = await listen(server);
  return { url, requests, close: () => new Promise<void>((r) => server.close(() => r())) };
}

export type ChargebackDesk = Desk;

/** The whole product in-process (HTTP, worker, PostgreSQL, the Temporal dev server, SMTP) with chargeback settings. */
export function startChargebackDesk(env: Record<string, string> = {}): Promise<ChargebackDesk> {
  return startDesk({
    STRIPE_WEBHOOK_SECRETS: `${SECRETS.current},${SECRETS.previous}`,
    CHARGEBACK_SWEEP_INTERVAL_MS: '500',
    ...env,
  });
}

/** An account on `policyId` with a purchase whose payment reference a dispute can name, fed in over the API. */
export async function disputedAccount(d: ChargebackDesk, policyId: string) {
  const id = ulid().toLowerCase();
  const accountId = `acct_${id}`;
  const operator = { bearer: KEYS.operator };
  await d.call('PUT', `/v1/accounts/${accountId}`, {
    ...operator,
    body: { email: `${id}@customer.example`, policyId },
  });
  const bought = new Date(Date.now() - 2 * 86_400_000).toISOString();
  const charge = {
    transactionId: `txn_${id}`,
    invoiceNumber: `INV-${id}`,
    paymentReference: `pi_${id}`,
    accountId,
    amountMinor: 5000,
    currency: 'USD',
    kind: 'credit_purchase',
    createdAt: bought,
  };
  await d.call('POST', '/v1/usage/charges', { ...operator, body: { records: [charge] } });
  const requests = [200, 200, 200, 500].map((httpStatus, i) => ({
    requestId: `req_${id}_${i}`,
    accountId,
    endpoint: '/v1/images/generate',
    model: 'sdxl',
    httpStatus,
    outcome: httpStatus === 200 ? 'success' : 'error',
    amountMinor: 40,
    currency: 'USD',
    outputDelivered: httpStatus === 200,
    startedAt: bought,
    completedAt: bought,
  }));
  await d.call('POST', '/v1/usage/requests', { ...operator, body: { records: requests } });
  return {
    accountId,
    disputeId: `dp_${id}`,
    paymentIntent: `pi_${id}`,
    chargebackId: `cb_stripe_dp_${id}`,
    email: `${id}@customer.example`,
  };
}

/** Polls until `probe` returns something. */
export async function eventually<T>(
  what: string,
  probe: () => Promise<T | undefined | null | false>,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== null && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
