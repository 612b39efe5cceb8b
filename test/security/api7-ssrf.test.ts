/**
 * OWASP API7:2023 (server-side request forgery): the desk fetches no URL a caller hands it. Every outbound call in
 * the code is listed below with the configuration it goes to, a new one fails this test until it is added (and
 * reviewed), and URLs planted in every field a customer or processor fills are never requested.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import {
  disputedAccount,
  eventually,
  PLATFORM_SECRET,
  SECRETS,
  startChargebackDesk,
  startPlatformReceiver,
  type ChargebackDesk,
} from '../chargebacks/chargeback-desk';
import { signStripe, stripeDisputeEvent } from '../chargebacks/stripe-events';
import { KEYS } from '../integration/desk-harness';
import { customerClaim } from './owasp-fixtures';

const ROOT = path.resolve(__dirname, '..', '..');
/** The code that runs in the product (the API, the worker, the dev mail sink); tests and scripts are not shipped. */
const RUNTIME_DIRS = [
  'server',
  'adapters',
  'wiring',
  'activities',
  'worker',
  'workflows',
  'db',
  'domain',
  'common',
  'metrics',
  'mail',
];

/** Ways Node code reaches out over the network. */
const OUTBOUND =
  /\bfetch\(|\bhttps?\.(?:request|get)\(|\bnet\.(?:connect|createConnection)\(|\btls\.connect\(|createTransport\(|new Stripe\(|\b(?:Native)?Connection\.connect\(|new Pool\(|\bdns\.resolve|from '(?:axios|got|undici|node-fetch|needle|superagent|request)'/;

/** Every outbound call, the exact code that makes it, and the configuration its target comes from. */
const ALLOWED: { file: string; code: string; target: string }[] = [
  {
    file: 'adapters/mailer.ts',
    code: 'nodemailer.createTransport({ host: smtp.host, port: smtp.port',
    target: 'SMTP_HOST/SMTP_PORT',
  },
  { file: 'adapters/webhooks-out.ts', code: 'await fetch(endpoint.url, {', target: 'PLATFORM_WEBHOOK_URL' },
  {
    file: 'adapters/stripe-disputes.ts',
    code: 'new Stripe(options.apiKey, {',
    target: 'STRIPE_API_BASE (default api.stripe.com)',
  },
  {
    file: 'adapters/mail-auth.ts',
    code: 'dns.resolve(name, rrtype)',
    target: 'DNS only (SPF/DKIM/DMARC); BIMI and ARC off',
  },
  { file: 'server/temporal.ts', code: 'Connection.connect({ address })', target: 'TEMPORAL_ADDRESS' },
  {
    file: 'worker/create-worker.ts',
    code: 'NativeConnection.connect({ address })',
    target: 'TEMPORAL_ADDRESS',
  },
  { file: 'db/index.ts', code: 'new Pool({ connectionString, max })', target: 'DATABASE_URL' },
  { file: 'mail/sink.ts', code: "await fetch('/messages')", target: "the sink page's own origin (browser script)" },
  {
    file: 'mail/sink.ts',
    code: '.createTransport({ host: inbound.host, port: inbound.port',
    target: 'the sink options (dev tool)',
  },
];

function sourceFiles(dir: string): string[] {
  return readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((e) => {
    const rel = path.join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(rel);
    return /\.(ts|mjs|js)$/.test(e.name) ? [rel] : [];
  });
}

/** A server that only counts: any request it gets is a URL the desk was tricked into fetching. */
async function startCanary() {
  const hits: string[] = [];
  const server = createServer((req: IncomingMessage, res) => {
    hits.push(`${req.method} ${req.url}`);
    res.end('ok');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, hits, close: () => new Promise<void>((r) => server.close(() => r())) };
}

describe('API7: no URL from outside is ever fetched', () => {
  it('finds only the listed outbound calls in the product code, each aimed at configuration', () => {
    const found = RUNTIME_DIRS.flatMap(sourceFiles).flatMap((file) =>
      readFileSync(path.join(ROOT, file), 'utf8')
        .split('\n')
        .map((line) => line.trim())
        .filter((line) => OUTBOUND.test(line) && !/^(\/\/|\*|\/\*)/.test(line))
        .map((line) => ({ file, line })),
    );
    const unlisted = found.filter((f) => !ALLOWED.some((a) => a.file === f.file && f.line.includes(a.code)));
    expect(unlisted).toEqual([]);
    const missing = ALLOWED.filter((a) => !found.some((f) => f.file === a.file && f.line.includes(a.code)));
    expect(missing).toEqual([]);
  });

  it('builds each sender once from configuration, so no request can name its target', () => {
    const read = (file: string) => readFileSync(path.join(ROOT, file), 'utf8');
    expect(read('wiring/chargeback-adapters.ts')).toContain(
      'createPlatformWebhookSender(webhookDeliveryLog(db), config.platformWebhook)',
    );
    expect(read('wiring/chargeback-config.ts')).toMatch(/url: e\.PLATFORM_WEBHOOK_URL/);
    expect(read('wiring/chargeback-adapters.ts')).toContain('createStripeDisputeGateway(config.stripeApi)');
    expect(read('wiring/wire.ts')).toContain('createSmtpMailer(config.smtp)');
    // mailauth would fetch a BIMI logo or an ARC chain's URLs; both stay off.
    expect(read('adapters/mail-auth.ts')).toMatch(/disableArc: true,\s+disableBimi: true/);
  });
});

describe('API7: URLs planted in customer and processor input', () => {
  let canary: Awaited<ReturnType<typeof startCanary>>;
  let platform: Awaited<ReturnType<typeof startPlatformReceiver>>;
  let d: ChargebackDesk;

  beforeAll(async () => {
    [canary, platform] = await Promise.all([startCanary(), startPlatformReceiver()]);
    d = await startChargebackDesk({ PLATFORM_WEBHOOK_URL: platform.url, PLATFORM_WEBHOOK_SECRET: PLATFORM_SECRET });
  });

  afterAll(async () => {
    await d?.close();
    await Promise.all([canary?.close(), platform?.close()]);
  });

  it('fetches none of them, while the configured platform endpoint gets its events', async () => {
    const bait = (field: string) => `${canary.url}/${field}?x=<img src="${canary.url}/img-${field}">`;
    const claim = await customerClaim(d, 'in_review');
    const asked = await d.call('POST', `/v1/cases/${claim.claimId}/request-info`, {
      bearer: KEYS.agent,
      body: { message: `See ${bait('info')}` },
    });
    expect(asked.status).toBe(200);
    await eventually('awaiting the customer', async () => {
      const r = await d.call('GET', `/v1/claims/${claim.claimId}`, { bearer: claim.claimToken });
      return r.body.status === 'awaiting_customer';
    });
    const replied = await d.call('POST', `/v1/claims/${claim.claimId}/reply`, {
      bearer: claim.claimToken,
      body: { message: `webhook: ${bait('reply')}`, explanation: bait('explanation') },
    });
    expect(replied.status).toBe(200);

    const a = await disputedAccount(d, 'imaginator');
    const event = stripeDisputeEvent('created', { id: a.disputeId, paymentIntent: a.paymentIntent });
    const object = {
      ...event.data.object,
      url: bait('dispute-url'),
      evidence: { receipt: bait('receipt'), uncategorized_file: bait('file'), customer_communication: bait('comm') },
      metadata: { callback_url: bait('metadata'), webhook: bait('webhook') },
    };
    const payload = JSON.stringify({ ...event, request: { url: bait('request') }, data: { object } });
    const res = await d.call('POST', '/v1/webhooks/stripe', {
      raw: payload,
      headers: { 'stripe-signature': signStripe(payload, SECRETS.current), 'content-type': 'application/json' },
    });
    expect(res.status).toBe(200);
    // The desk's own outbound path ran: the platform heard of the suspension, at the configured URL only.
    await eventually('account.suspended at the platform', async () =>
      platform.received.find((e) => e.type === 'account.suspended'),
    );
    await eventually('the evidence pack', async () => {
      const r = await d.call('GET', `/v1/chargebacks/${a.chargebackId}`, { bearer: KEYS.agent });
      return r.body.evidence;
    });
    expect(canary.hits).toEqual([]);
  });
});
