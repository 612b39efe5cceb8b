import net from 'node:net';
import nodemailer from 'nodemailer';
import { ulid } from 'ulid';
import { startInboundSmtp, type InboundSmtpListener } from '../../adapters/smtp-in';
import { createDb, type Db } from '../../db';
import { countRecentMailsFrom, settleInboundMail, storeInboundMail } from '../../db/mail';
import { migrate } from '../../db/migrate';

/** A TCP hop in front of PostgreSQL that can be cut and restored: the database becomes unreachable, for real. */
async function startDbProxy(target: URL) {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(Number(target.port), target.hostname);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => s.destroy());
    }
    client.pipe(upstream).pipe(client);
  });
  const listen = (port: number) =>
    new Promise<number>((resolve) =>
      server.listen(port, '127.0.0.1', () => resolve((server.address() as net.AddressInfo).port)),
    );
  const port = await listen(0);
  return {
    port,
    async cut() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
      });
    },
    restore: () => listen(port),
  };
}

/** One SMTP conversation without the SIZE parameter; returns the answer to the end of DATA. */
async function plainSmtp(port: number, from: string, to: string, message: string): Promise<string> {
  const socket = net.connect(port, '127.0.0.1');
  let buffer = '';
  const waiters: ((line: string) => void)[] = [];
  socket.on('data', (chunk) => {
    buffer += chunk.toString();
    for (let i = buffer.indexOf('\r\n'); i >= 0; i = buffer.indexOf('\r\n')) {
      const line = buffer.slice(0, i);
      buffer = buffer.slice(i + 2);
      if (/^\d{3} /.test(line)) waiters.shift()?.(line);
    }
  });
  const reply = () => new Promise<string>((resolve) => waiters.push(resolve));
  const say = (text: string) => {
    const answer = reply();
    socket.write(text);
    return answer;
  };
  await reply();
  await say('EHLO plain.example\r\n');
  await say(`MAIL FROM:<${from}>\r\n`);
  await say(`RCPT TO:<${to}>\r\n`);
  await say('DATA\r\n');
  const end = await say(`${message}.\r\n`);
  socket.end('QUIT\r\n');
  return end;
}

const SUPPORT = 'refunds@pixazo-api.example';
let db: Db;
let proxy: Awaited<ReturnType<typeof startDbProxy>>;
let listener: InboundSmtpListener;
const started: string[] = [];

beforeAll(async () => {
  const direct = createDb(process.env.DATABASE_URL!, 1);
  await migrate(direct);
  await direct.end();
  const url = new URL(process.env.DATABASE_URL!);
  proxy = await startDbProxy(new URL(url)); // a copy: the pool URL below points at the proxy
  url.port = String(proxy.port);
  db = createDb(url.toString(), 2);
  db.on('error', () => undefined); // idle connections die when the proxy is cut; the pool reconnects
  listener = await startInboundSmtp(
    { port: 0, host: '127.0.0.1', maxBytes: 50_000 },
    {
      accepts: (rcpt) => rcpt.toLowerCase().replace(/\+[^@]*/, '') === SUPPORT,
      overRateLimit: async (sender) => (await countRecentMailsFrom(db, sender, 3600)) >= 3,
      store: (m) => storeInboundMail(db, m),
      // No workflow here: marked settled, so a desk started later in the run does not process these at boot.
      afterStore: async (s) => {
        started.push(s.mailId);
        await settleInboundMail(db, s.mailId, { state: 'ignored', outcome: 'listener test: stored only' });
      },
      log: () => undefined,
    },
  );
});

afterAll(async () => {
  await listener?.close();
  await db?.end();
  await proxy?.cut();
});

const transport = () =>
  nodemailer.createTransport({ host: '127.0.0.1', port: listener.port, secure: false, ignoreTLS: true });
const refusal = (promise: Promise<unknown>) =>
  promise.then(
    () => null,
    (err: { responseCode?: number; response?: string }) => err,
  );
const sender = () => `c-${ulid().toLowerCase()}@customer.example`;

describe('the inbound SMTP listener with the real PostgreSQL behind it', () => {
  it('answers 451 while PostgreSQL is unreachable, and stores the message when the sender retries', async () => {
    const mail = {
      from: sender(),
      to: SUPPORT,
      subject: 'Refund',
      text: 'req_x failed',
      messageId: `<retry-${ulid()}@customer.example>`,
    };
    await proxy.cut();
    const err = await refusal(transport().sendMail(mail));
    expect(err?.responseCode).toBe(451);
    await proxy.restore();
    const info = await transport().sendMail(mail);
    expect(info.response).toMatch(/^250 Stored as \d+/);
    const { rows } = await db.query('SELECT size, envelope FROM inbound_mails WHERE message_id = $1', [
      mail.messageId.slice(1, -1).toLowerCase(),
    ]);
    expect(rows).toHaveLength(1);
    expect(rows[0].envelope).toMatchObject({ mailFrom: mail.from, rcptTo: [SUPPORT] });
    expect(started).toContain(/Stored as (\d+)/.exec(info.response)![1]);
  });

  it('refuses a message over the size limit at MAIL FROM SIZE= and after DATA, storing nothing', async () => {
    const from = sender();
    const big = { from, to: SUPPORT, subject: 'Logs', text: 'x'.repeat(80_000) };
    const announced = await refusal(transport().sendMail(big));
    expect(announced?.responseCode).toBe(552);
    // A client that does not announce the size is stopped after DATA.
    const afterData = await plainSmtp(listener.port, from, SUPPORT, `Subject: Logs\r\n\r\n${'y'.repeat(80_000)}\r\n`);
    expect(afterData).toMatch(/^552 /);
    expect(
      (await db.query(`SELECT count(*)::int AS n FROM inbound_mails WHERE envelope ->> 'mailFrom' = $1`, [from]))
        .rows[0].n,
    ).toBe(0);
  });

  it('refuses other recipients at RCPT with 550, and accepts tagged support addresses', async () => {
    const other = await refusal(
      transport().sendMail({ from: sender(), to: 'someone-else@pixazo-api.example', subject: 'x', text: 'x' }),
    );
    expect(other?.responseCode).toBe(550);
    const tagged = await transport().sendMail({
      from: sender(),
      to: 'refunds+c.abc.0123@pixazo-api.example',
      subject: 'x',
      text: 'x',
    });
    expect(tagged.response).toMatch(/^250/);
  });

  it('limits each sender per hour with a temporary failure, so nothing is lost', async () => {
    const from = sender();
    for (let i = 0; i < 3; i += 1)
      await transport().sendMail({ from, to: SUPPORT, subject: `n${i}`, text: `message ${i}` });
    const fourth = await refusal(transport().sendMail({ from, to: SUPPORT, subject: 'n3', text: 'message 3' }));
    expect(fourth?.responseCode).toBe(451);
    expect(fourth?.response).toMatch(/Too many messages/);
  });
});
