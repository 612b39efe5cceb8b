import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { createPlatformWebhookSender, WebhookDeliveryFailed } from '../../adapters/webhooks-out';
import { createDb, type Db } from '../../db';
import { migrate } from '../../db/migrate';
import { listWebhookMessages, webhookDeliveryLog } from '../../db/webhook-messages';
import { createTestDatabase, type TestDatabase } from '../support/db';
import { PLATFORM_SECRET } from './chargeback-desk';

let database: TestDatabase;
let db: Db;
const answers: number[] = [];
const seen: { id: string; body: string; verified: boolean }[] = [];
const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const body = Buffer.concat(chunks).toString('utf8');
    let verified = true;
    try {
      new Webhook(PLATFORM_SECRET).verify(body, req.headers as Record<string, string>);
    } catch {
      verified = false;
    }
    seen.push({ id: String(req.headers['webhook-id']), body, verified });
    res.writeHead(answers.shift() ?? 204).end();
  });
});
let url: string;

beforeAll(async () => {
  database = await createTestDatabase();
  db = createDb(database.url, 2);
  await migrate(db);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`;
});

afterAll(async () => {
  await new Promise((r) => server.close(r));
  await db?.end();
  await database?.drop();
});

describe('the Standard Webhooks sender', () => {
  it('logs a refused attempt and throws for a retry, then delivers the same signed payload', async () => {
    const sender = createPlatformWebhookSender(webhookDeliveryLog(db), { url, secret: PLATFORM_SECRET });
    answers.push(503);
    const event = {
      messageId: 'msg_retry_1',
      type: 'account.suspended',
      data: { chargebackId: 'cb_stripe_dp_retry', account: { id: 'acct_1' } },
    };
    await expect(sender.send(event)).rejects.toBeInstanceOf(WebhookDeliveryFailed);
    await expect(sender.send({ ...event, data: { changed: true } })).resolves.toBe('delivered');
    await expect(sender.send(event)).resolves.toBe('delivered');
    const attempts = seen.filter((s) => s.id === 'msg_retry_1');
    expect(attempts).toHaveLength(2);
    expect(attempts.every((a) => a.verified)).toBe(true);
    expect(attempts[1]!.body).toBe(attempts[0]!.body);
    const [logged] = await listWebhookMessages(db, { chargebackId: 'cb_stripe_dp_retry' });
    expect(logged).toMatchObject({
      state: 'delivered',
      attempts: 2,
      attemptLog: [
        { httpStatus: 503, error: 'HTTP 503' },
        { httpStatus: 204, error: null },
      ],
    });
  });

  it('keeps the message as no_endpoint when the platform has none configured', async () => {
    const sender = createPlatformWebhookSender(webhookDeliveryLog(db), null);
    await expect(
      sender.send({ messageId: 'msg_none_1', type: 'chargeback.opened', data: { chargebackId: 'cb_none' } }),
    ).resolves.toBe('no_endpoint');
    const [logged] = await listWebhookMessages(db, { chargebackId: 'cb_none' });
    expect(logged).toMatchObject({ state: 'no_endpoint', attempts: 0, endpointUrl: null });
  });
});
