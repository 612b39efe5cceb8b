import { ulid } from 'ulid';
import { startDesk, type Desk } from '../integration/desk-harness';
import { freshAccount } from './inputs-support';

/** #12 §3: an Idempotency-Key is scoped to its account, so one account's key never gives another a 409. */
let d: Desk;

beforeAll(async () => {
  d = await startDesk();
});

afterAll(async () => {
  await d?.close();
});

async function claimsUnder(key: string): Promise<{ account_id: string }[]> {
  const { rows } = await d.db.query<{ account_id: string }>(
    'SELECT account_id FROM claims WHERE idempotency_key = $1 ORDER BY account_id',
    [key],
  );
  return rows;
}

describe('Idempotency-Key per account', () => {
  it('gives two accounts the same key without a conflict, and replays or refuses only within one account', async () => {
    const a = await freshAccount(d);
    const b = await freshAccount(d);
    const key = { 'Idempotency-Key': `shared-${ulid()}` };
    const body = (accountId: string) => ({ accountId, reason: 'other', explanation: 'same key, two accounts' });

    const first = await d.call('POST', '/v1/claims', { headers: key, body: body(a.accountId) });
    expect(first.status).toBe(202);
    const other = await d.call('POST', '/v1/claims', { headers: key, body: body(b.accountId) });
    expect(other.status).toBe(202);
    expect(other.body.claimId).not.toBe(first.body.claimId);

    const replay = await d.call('POST', '/v1/claims', { headers: key, body: body(a.accountId) });
    expect({ status: replay.status, claimId: replay.body.claimId }).toEqual({
      status: 200,
      claimId: first.body.claimId,
    });
    const conflict = await d.call('POST', '/v1/claims', {
      headers: key,
      body: { ...body(a.accountId), explanation: 'another body' },
    });
    expect(conflict.status).toBe(409);

    expect(await claimsUnder(key['Idempotency-Key'])).toEqual(
      [a.accountId, b.accountId].sort().map((account_id) => ({ account_id })),
    );
  });

  it('answers concurrent submissions under one key with one claim: the first 202, every other its replay', async () => {
    const a = await freshAccount(d);
    const stranger = `nobody-${ulid().toLowerCase()}@customer.example`;
    const keys = [`race-${ulid()}`, `race-${ulid()}`];
    for (const [i, naming] of [{ accountId: a.accountId }, { email: stranger }].entries()) {
      const body = { ...naming, reason: 'other', explanation: 'five at once' };
      const answers = await Promise.all(
        Array.from({ length: 5 }, () =>
          d.call('POST', '/v1/claims', { headers: { 'Idempotency-Key': keys[i]! }, body }),
        ),
      );
      expect({
        claimIds: new Set(answers.map((x) => x.body.claimId)).size,
        statuses: answers.map((x) => x.status).sort(),
      }).toEqual({ claimIds: 1, statuses: [200, 200, 200, 200, 202] });
    }
    // One claim for the account, one unmatched claim for the stranger: the losers of each race wrote nothing.
    expect(await claimsUnder(keys[0]!)).toEqual([{ account_id: a.accountId }]);
    const unmatched = await d.db.query('SELECT named_email FROM unmatched_claims WHERE idempotency_key = $1', [
      keys[1],
    ]);
    expect(unmatched.rows).toEqual([{ named_email: stranger }]);
  });
});
