import nodemailer from 'nodemailer';
import { startInboundSmtp, type InboundSmtpListener } from '../../adapters/smtp-in';
import { createDb, type Db } from '../../db';
import { loadInboundMail, settleInboundMail, storeInboundMail } from '../../db/mail';
import { migrate } from '../../db/migrate';
import { startMailSink, type MailSink } from '../../mail/sink';

let sink: MailSink;
let inbound: InboundSmtpListener;
let db: Db;
const received: string[] = [];

beforeAll(async () => {
  db = createDb(process.env.DATABASE_URL!, 2);
  await migrate(db);
  inbound = await startInboundSmtp(
    { port: 0, host: '127.0.0.1', maxBytes: 100_000 },
    {
      accepts: (r) => r === 'refunds@pixazo-api.example',
      overRateLimit: async () => false,
      store: async (m) => {
        const stored = await storeInboundMail(db, m);
        received.push(stored.mailId);
        return stored;
      },
      afterStore: (s) => settleInboundMail(db, s.mailId, { state: 'ignored', outcome: 'sink test: stored only' }),
      log: () => undefined,
    },
  );
  sink = await startMailSink({
    smtpPort: 0,
    httpPort: 0,
    inbound: { host: '127.0.0.1', port: inbound.port, to: ['refunds@pixazo-api.example'] },
  });
});

afterAll(async () => {
  await sink?.stop();
  await inbound?.close();
  await db?.end();
});

describe('the development mail sink', () => {
  it('shows every mail readably on the page without a refresh that collapses it, and its source as text', async () => {
    const transport = nodemailer.createTransport({
      host: '127.0.0.1',
      port: sink.smtpPort,
      secure: false,
      ignoreTLS: true,
    });
    await transport.sendMail({
      from: 'desk@x.example',
      to: 'ada@customer.example',
      subject: 'Decision on your claim',
      text: 'We approved $2.00.',
      inReplyTo: '<a@x>',
    });
    const mail = await sink.waitFor((m) => m.subject === 'Decision on your claim');
    const page = await (await fetch(sink.httpUrl)).text();
    expect(page).not.toMatch(/http-equiv="refresh"/i);
    expect(page).toContain('We approved $2.00.');
    expect(page).toContain('in-reply-to:</b> &lt;a@x&gt;');
    const raw = await fetch(`${sink.httpUrl}/messages/${mail.id}/raw`);
    expect(raw.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(await raw.text()).toContain('Subject: Decision on your claim');
    const saved = await fetch(`${sink.httpUrl}/messages/${mail.id}/raw?download=1`);
    expect(saved.headers.get('content-disposition')).toMatch(/attachment/);
  });

  it('sends a test mail to the inbound listener from its form', async () => {
    const form = new URLSearchParams({
      from: 'dev@pixazo-customer.example',
      to: 'refunds@pixazo-api.example',
      subject: 'Form test',
      text: 'req_1 failed',
    });
    const res = await fetch(`${sink.httpUrl}/send`, { method: 'POST', body: form });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('250');
    expect(received).toHaveLength(1);
    expect((await loadInboundMail(db, received[0]!)).raw.toString()).toContain('Subject: Form test');
  });
});
