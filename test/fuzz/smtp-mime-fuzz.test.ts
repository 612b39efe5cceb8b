/**
 * The product's inbound SMTP path under a corpus of hostile messages (test/fuzz/corpus/mime) and seeded mutations of
 * them, sent byte for byte over real SMTP sessions to the running desk (listener, PostgreSQL, the mail workflow).
 * Every message is answered 250 and stored exactly once, or refused with the code that says why (552 too large,
 * 550 no such recipient); never a 451 (the desk failed to store it). Each stored message is then settled by the
 * mail workflow: none is left half-processed.
 */
import { ulid } from 'ulid';
import { startMailWorld, type MailWorld } from '../email/mail-harness';
import { createTestDatabase, type TestDatabase } from '../support/db';
import { corpus, mutate, seeded } from './mutate';
import { sendRaw } from './smtp-session';

const SEED = 20_261_122;
const MUTATIONS = 150;
const MAX_BYTES = 100_000;
const SUPPORT = 'refunds@pixazo-api.example';

let testDb: TestDatabase;
let w: MailWorld;
const sender = `fuzz-${ulid().toLowerCase()}@customer.example`;
const storedIds = new Set<string>();

// A database of its own: "stored exactly once" is checked over the whole table.
beforeAll(async () => {
  testDb = await createTestDatabase('refund_desk_fuzz_mime');
  w = await startMailWorld({
    DATABASE_URL: testDb.url,
    INBOUND_MAIL_MAX_BYTES: String(MAX_BYTES),
    INBOUND_MAIL_PER_HOUR: '100000',
  });
});

afterAll(async () => {
  await w?.close();
  await testDb?.drop();
});

/** Sends one message and checks its answer: 250 with the stored id, or 552 when it is over the size limit. */
async function deliver(label: string, raw: Buffer): Promise<string | null> {
  const { rcpt, data } = await sendRaw(w.port, { from: sender, to: SUPPORT }, raw);
  if (rcpt.code !== 250) return `${label}: RCPT ${rcpt.code} ${rcpt.text}`;
  const expected = raw.length > MAX_BYTES ? 552 : 250;
  if (data?.code !== expected)
    return `${label} (${raw.length} bytes): ${data?.code} ${data?.text}, expected ${expected}`;
  if (expected === 250) storedIds.add(/Stored as (\d+)/.exec(data.text)![1]!);
  return null;
}

describe('inbound SMTP under a hostile MIME corpus', () => {
  it('answers every corpus message 250 and stores it, and a message over the limit 552', async () => {
    const wrong: string[] = [];
    for (const { name, bytes } of corpus('mime')) {
      const problem = await deliver(name, bytes);
      if (problem) wrong.push(problem);
    }
    const oversized = Buffer.concat([corpus('mime')[3]!.bytes, Buffer.alloc(MAX_BYTES + 1, 'x')]);
    const problem = await deliver('oversized', oversized);
    if (problem) wrong.push(problem);
    expect(wrong).toEqual([]);
  });

  it(`answers ${MUTATIONS} seeded mutations of the corpus with 250 or 552 only`, async () => {
    const rng = seeded(SEED);
    const files = corpus('mime');
    const wrong: string[] = [];
    for (let i = 0; i < MUTATIONS; i++) {
      const problem = await deliver(`#${i} (seed ${SEED})`, mutate(rng.pick(files).bytes, 'mime', rng));
      if (problem) wrong.push(problem);
    }
    expect(wrong).toEqual([]);
  });

  it('refuses a message for an address the desk does not serve with 550 and stores nothing of it', async () => {
    const before = await w.d.db.query<{ n: number }>('SELECT count(*)::int AS n FROM inbound_mails');
    const { rcpt, data } = await sendRaw(w.port, { from: sender, to: 'nobody@elsewhere.example' }, Buffer.from('x'));
    expect({ rcpt: rcpt.code, data }).toEqual({ rcpt: 550, data: null });
    const after = await w.d.db.query<{ n: number }>('SELECT count(*)::int AS n FROM inbound_mails');
    expect(after.rows[0]!.n).toBe(before.rows[0]!.n);
  });

  it('stored each accepted message exactly once, and the mail workflow settled every one of them', async () => {
    const { rows } = await w.d.db.query<{ id: string }>(
      `SELECT id::text FROM inbound_mails WHERE envelope ->> 'mailFrom' = $1`,
      [sender],
    );
    expect(rows.map((r) => r.id).sort()).toEqual([...storedIds].sort());
    const states = await Promise.all([...storedIds].map(async (id) => (await w.settled(id, 120_000)).state));
    expect(
      states.filter((s) => !['processed', 'ignored', 'unprocessable', 'awaiting_confirmation'].includes(s)),
    ).toEqual([]);
    expect((await fetch(`${w.d.desk.apiUrl}/healthz`)).status).toBe(200);
  });
});
