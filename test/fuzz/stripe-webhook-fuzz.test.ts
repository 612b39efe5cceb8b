/**
 * The Stripe webhook route under a corpus of hostile payloads (test/fuzz/corpus/stripe, the expected answer in each
 * file's name) and seeded mutations of them, each correctly signed so the body itself is what is tested, plus
 * mutations sent under the original's signature. No answer is a 5xx; an accepted event is stored exactly once; a
 * refused one leaves nothing behind.
 */
import { SECRETS, startChargebackDesk, type ChargebackDesk } from '../chargebacks/chargeback-desk';
import { signStripe } from '../chargebacks/stripe-events';
import { createTestDatabase, type TestDatabase } from '../support/db';
import { corpus, mutate, seeded } from './mutate';

const SEED = 20_261_122;
const SIGNED_MUTATIONS = 240;
const UNSIGNED_MUTATIONS = 40;

let testDb: TestDatabase;
let d: ChargebackDesk;

// A database of its own: "stored exactly once" is checked over the whole table.
beforeAll(async () => {
  testDb = await createTestDatabase('refund_desk_fuzz_stripe');
  d = await startChargebackDesk({ DATABASE_URL: testDb.url });
});

afterAll(async () => {
  await d?.close();
  await testDb?.drop();
});

/** Sends bytes as Stripe would, signed over `signedBody` (the bytes sent, unless a test forges). */
async function deliver(body: Buffer, signedBody = body): Promise<{ status: number; text: string }> {
  // Signed over the text Stripe's verifier decodes the bytes to, so even invalid UTF-8 arrives correctly signed.
  const signature = signStripe(new TextDecoder().decode(signedBody), SECRETS.current);
  const res = await fetch(`${d.desk.apiUrl}/v1/webhooks/stripe`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'stripe-signature': signature },
    body,
  });
  return { status: res.status, text: await res.text() };
}

/** The event id a body names, if it is JSON with one. */
function eventIdOf(body: Buffer): string | undefined {
  try {
    const id = (JSON.parse(body.toString('utf8')) as { id?: unknown })?.id;
    return typeof id === 'string' ? id : undefined;
  } catch {
    return undefined;
  }
}

const accepted = new Set<string>();
const refused = new Set<string>();

/** Records what an answer says was stored; a 200 that stored a dispute event names its chargeback. */
function note(body: Buffer, answer: { status: number; text: string }) {
  const id = eventIdOf(body);
  const stored = answer.status === 200 && /"chargebackId"/.test(answer.text);
  if (id && stored) accepted.add(id);
  if (id && answer.status === 400) refused.add(id);
}

describe('the Stripe webhook route under a hostile corpus', () => {
  it('answers every corpus file with the code its name gives, never a 5xx', async () => {
    const wrong: string[] = [];
    for (const { name, bytes } of corpus('stripe')) {
      const answer = await deliver(bytes);
      note(bytes, answer);
      const expected = name.startsWith('400-') ? 400 : 200;
      if (answer.status !== expected) wrong.push(`${name}: ${answer.status} ${answer.text.slice(0, 200)}`);
    }
    expect(wrong).toEqual([]);
  });

  it(`answers ${SIGNED_MUTATIONS} signed and ${UNSIGNED_MUTATIONS} re-signed-never mutations with 200 or 400 only`, async () => {
    const rng = seeded(SEED);
    const seeds = corpus('stripe').filter((f) => !f.name.startsWith('400-'));
    const wrong: string[] = [];
    for (let i = 0; i < SIGNED_MUTATIONS + UNSIGNED_MUTATIONS; i++) {
      const original = rng.pick(seeds).bytes;
      const body = mutate(original, 'json', rng);
      // A leading BOM is not a change: the verifier's UTF-8 decoding drops it, so the signed text is the same.
      const forged = i >= SIGNED_MUTATIONS && new TextDecoder().decode(body) !== new TextDecoder().decode(original);
      const answer = await deliver(body, forged ? original : body);
      note(body, answer);
      const allowed = forged ? [400] : [200, 400];
      if (!allowed.includes(answer.status))
        wrong.push(`#${i} (seed ${SEED}): ${answer.status} ${answer.text.slice(0, 200)}`);
    }
    expect(wrong).toEqual([]);
  });

  it('stored each accepted event exactly once and nothing of a refused one', async () => {
    const { rows } = await d.db.query<{ event_id: string; n: number }>(
      "SELECT event_id, count(*)::int AS n FROM processor_events WHERE processor = 'stripe' GROUP BY event_id",
    );
    expect(rows.filter((r) => r.n !== 1)).toEqual([]);
    expect(rows.map((r) => r.event_id).sort()).toEqual([...accepted].sort());
    const refusedOnly = [...refused].filter((id) => !accepted.has(id));
    expect(rows.filter((r) => refusedOnly.includes(r.event_id))).toEqual([]);
    // The duplicate pair in the corpus: one id, stored once.
    expect(rows.filter((r) => r.event_id === 'evt_fuzz_dup')).toEqual([{ event_id: 'evt_fuzz_dup', n: 1 }]);
    expect((await fetch(`${d.desk.apiUrl}/healthz`)).status).toBe(200);
  });
});
