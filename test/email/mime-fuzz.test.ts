import nodemailer from 'nodemailer';
import { ulid } from 'ulid';
import { readMail } from '../../activities/mail-reading';
import { authenticateSender, zoneResolver } from '../../adapters/mail-auth';
import { startInboundSmtp, type InboundSmtpListener } from '../../adapters/smtp-in';
import { createDb, type Db } from '../../db';
import { loadInboundMail, settleInboundMail, storeInboundMail } from '../../db/mail';
import { migrate } from '../../db/migrate';
import { claimIdInSubject, extractClaimFacts } from '../../domain/email/extract';
import { TEST_ZONE } from './mail-harness';

const SUPPORT = 'refunds@pixazo-api.example';
const MESSAGES = 1_000;
const SEED = 20_261_122;

/** mulberry32: a small seeded generator, so every run sends the same 1,000 messages. */
function random(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)]!;
  const bytes = (n: number) => Buffer.from(Array.from({ length: n }, () => int(256)));
  return { next, int, pick, bytes };
}
type Rng = ReturnType<typeof random>;

const CHARSETS = [
  'utf-8',
  'iso-8859-1',
  'x-unknown-42',
  'utf-7',
  'iso-2022-jp',
  'shift_jis',
  '',
  'utf-16',
  '"unterminated',
];
const ENCODINGS = ['base64', 'quoted-printable', '8bit', '7bit', 'x-uuencode', 'binary', 'b@d'];

function headers(rng: Rng, i: number): string[] {
  const h = [
    `From: ${rng.pick(['ada@customer.example', '"Ada" <ada@customer.example>', '<>', 'broken <', '=?utf-8?B?QWRh?= <ada@customer.example>', ''])}`,
    `To: ${SUPPORT}`,
    `Subject: ${rng.pick(['Refund req_abc_1', '=?x-unknown?Q?=FF=FE?=', 'Re: claim clm_01JABCDEFGHJKMNPQRSTVWXYZ0', '=?utf-8?B?!!!?=', ''])}`,
  ];
  if (rng.next() < 0.8) h.push(`Message-ID: <fuzz-${SEED}-${i}@customer.example>`);
  if (rng.next() < 0.1) h.push(`X-Huge: ${'h'.repeat(rng.int(200_000))}`);
  if (rng.next() < 0.1) for (let k = 0; k < rng.int(3_000); k += 1) h.push(`X-Many-${k}: ${k}`);
  if (rng.next() < 0.2) h.push(`References: ${Array.from({ length: rng.int(500) }, (_, k) => `<r${k}@x>`).join(' ')}`);
  if (rng.next() < 0.1) h.push('Auto-Submitted: auto-replied');
  if (rng.next() < 0.1) h.push(`Received: from ${'a.'.repeat(rng.int(5_000))}example`);
  return h;
}

function part(rng: Rng, depth: number): string {
  if (depth > 0 && rng.next() < 0.6) {
    const boundary = rng.next() < 0.9 ? `b${depth}-${rng.int(1e6)}` : '';
    const children = Array.from({ length: 1 + rng.int(3) }, () => `--${boundary}\r\n${part(rng, depth - 1)}`);
    const close = rng.next() < 0.8 ? `--${boundary}--\r\n` : ''; // sometimes never closed
    return `Content-Type: ${rng.pick(['multipart/mixed', 'multipart/alternative', 'multipart/report; report-type=delivery-status', 'multipart/related'])}; boundary="${boundary}"\r\n\r\n${children.join('\r\n')}\r\n${close}`;
  }
  const type = rng.pick([
    'text/plain',
    'text/html',
    'application/pdf',
    'image/png',
    'message/rfc822',
    'text/rfc822-headers',
    'application/octet-stream',
  ]);
  const body =
    rng.next() < 0.5
      ? `req_fuzz_${rng.int(1e6)} txn_fuzz_${rng.int(1e6)} INV-${rng.int(1e6)} failed 502\r\n`
      : rng.bytes(rng.int(2_000)).toString('latin1');
  const name =
    rng.next() < 0.4 ? `; name="${rng.pick(['a.pdf', '=?utf-8?Q?=E2=82?=', 'x'.repeat(rng.int(3_000))])}"` : '';
  return `Content-Type: ${type}; charset=${rng.pick(CHARSETS)}${name}\r\nContent-Transfer-Encoding: ${rng.pick(ENCODINGS)}\r\n\r\n${body}\r\n`;
}

/** One malformed message: nested, truncated, mis-encoded, with huge headers, or plain garbage. */
function malformed(rng: Rng, i: number): string {
  if (rng.next() < 0.05) return rng.bytes(rng.int(5_000)).toString('latin1');
  const whole = `${headers(rng, i).join('\r\n')}\r\nMIME-Version: 1.0\r\n${part(rng, 1 + rng.int(12))}`;
  return rng.next() < 0.3 ? whole.slice(0, rng.int(whole.length)) : whole; // truncated MIME
}

let db: Db;
let listener: InboundSmtpListener;

beforeAll(async () => {
  db = createDb(process.env.DATABASE_URL!, 4);
  await migrate(db);
  listener = await startInboundSmtp(
    { port: 0, host: '127.0.0.1', maxBytes: 2_000_000 },
    {
      accepts: (r) => r === SUPPORT,
      overRateLimit: async () => false,
      store: (m) => storeInboundMail(db, m),
      log: () => undefined,
      // No workflow here: marked settled, so a desk started later in the run does not process the fuzz at boot.
      afterStore: (s) => settleInboundMail(db, s.mailId, { state: 'ignored', outcome: 'fuzz: stored only' }),
    },
  );
});

afterAll(async () => {
  await listener?.close();
  await db?.end();
});

it(`stores every one of ${MESSAGES} malformed messages it accepts, and reads each without crashing`, async () => {
  const rng = random(SEED);
  const transport = nodemailer.createTransport({
    host: '127.0.0.1',
    port: listener.port,
    secure: false,
    ignoreTLS: true,
    pool: true,
    maxConnections: 2,
  });
  const accepted: string[] = [];
  const refused: number[] = [];
  const batch = `${ulid()}`;
  for (let i = 0; i < MESSAGES; i += 1) {
    const raw = malformed(rng, i);
    try {
      const info = await transport.sendMail({
        envelope: { from: `fuzz-${batch}@customer.example`, to: [SUPPORT] },
        raw,
      });
      accepted.push(/Stored as (\d+)/.exec(info.response)![1]!);
    } catch (err) {
      refused.push((err as { responseCode?: number }).responseCode ?? 0);
    }
  }
  transport.close();
  expect(accepted.length + refused.length).toBe(MESSAGES);
  // Refusals may only be the size limit; nothing accepted may be missing from PostgreSQL.
  expect(refused.filter((code) => code !== 552)).toEqual([]);
  const ids = [...new Set(accepted)];
  const stored = await db.query('SELECT count(*)::int AS n FROM inbound_mails WHERE id = ANY($1::bigint[])', [ids]);
  expect(stored.rows[0].n).toBe(ids.length);

  // What the workflow's activities do with each: parse, extract with a pack's patterns, authenticate.
  const intake = {
    address: SUPPORT,
    requestId: ['\\breq_[A-Za-z0-9_]{3,120}'],
    transactionId: ['\\btxn_[A-Za-z0-9_]{3,120}'],
    invoiceNumber: ['\\bINV-[A-Za-z0-9_-]{3,120}'],
    reasonKeywords: [{ reason: 'failed_request' as const, keywords: ['502'] }],
  };
  const resolver = zoneResolver(TEST_ZONE);
  let parsed = 0;
  let unparseable = 0;
  for (const id of ids) {
    const mail = await loadInboundMail(db, id);
    const read = await readMail(mail.raw, mail.envelope.mailFrom, {
      maxAttachments: 10,
      maxAttachmentBytes: 1_000_000,
    }).catch(() => null);
    if (!read) {
      unparseable += 1; // the activity turns this into an entry of the unprocessable-mail queue
      continue;
    }
    parsed += 1;
    extractClaimFacts(read.subject, read.visibleText, intake);
    claimIdInSubject(read.subject);
    await authenticateSender(mail.raw, mail.envelope, resolver, 'mx.test');
  }
  expect(parsed + unparseable).toBe(ids.length);
  expect(parsed).toBeGreaterThan(ids.length * 0.9);
  // The listener is still up and answering after all of it.
  const after = nodemailer.createTransport({ host: '127.0.0.1', port: listener.port, secure: false, ignoreTLS: true });
  expect(
    (await after.sendMail({ from: 'ok@customer.example', to: SUPPORT, subject: 'still here', text: 'ok' })).response,
  ).toMatch(/^250/);
});
