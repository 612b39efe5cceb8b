/**
 * OWASP API6:2023 (unrestricted access to sensitive business flows), repeated claims: the same failed calls claimed
 * again and again, at once, and the same charge claimed by one claim after another. Each item is remedied at most
 * once, and no charge ever gives back more than it took. (Floods and rate limits: api6-business-flows.)
 */
import { ulid } from 'ulid';
import { waitForStatus } from '../console/console-harness';
import { KEYS, startDesk, type Desk } from '../integration/desk-harness';
import { accountWithFailedCalls } from './owasp-fixtures';

let d: Desk;

beforeAll(async () => {
  d = await startDesk();
});

afterAll(async () => {
  await d?.close();
});

const FINAL = ['closed', 'denied', 'withdrawn', 'abandoned'];

/** Polls the staff view until the claim reaches a final status. */
async function settled(claimId: string): Promise<{ status: string; decision: { outcome: string } | null }> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const { body } = await d.call('GET', `/v1/cases/${claimId}`, { bearer: KEYS.agent });
    if (FINAL.includes(body?.status)) return body;
    if (Date.now() > deadline) throw new Error(`claim ${claimId} stayed ${body?.status}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** What went out for an account: credits issued, and remedied holds per item. */
async function remediesOf(accountId: string) {
  const credits = await d.db.query<{ total: string | null; n: number }>(
    `SELECT sum(ci.amount_minor)::text AS total, count(*)::int AS n
       FROM credits_issued ci JOIN claims c ON c.id = ci.claim_id WHERE c.account_id = $1`,
    [accountId],
  );
  const holds = await d.db.query<{ item: string; remedied: number; amount: string }>(
    `SELECT coalesce(request_id, transaction_id) AS item, count(*)::int AS remedied, sum(amount_minor)::text AS amount
       FROM remedy_holds WHERE account_id = $1 AND state = 'remedied' GROUP BY 1 ORDER BY 1`,
    [accountId],
  );
  return { credited: Number(credits.rows[0]!.total ?? 0), credits: credits.rows[0]!.n, holds: holds.rows };
}

describe('API6: repeated claims on the same items are remedied once', () => {
  it('credits two failed calls once when five claims for them arrive at the same moment', async () => {
    const { accountId, requestIds } = await accountWithFailedCalls(d, 150);
    const submissions = await Promise.all(
      Array.from({ length: 5 }, (_, i) =>
        d.call('POST', '/v1/claims', {
          body: { accountId, reason: 'failed_request', requestIds, explanation: `attempt ${i}` },
          headers: { 'idempotency-key': `repeat-${ulid()}` },
        }),
      ),
    );
    expect(submissions.map((s) => s.status)).toEqual([202, 202, 202, 202, 202]);
    const outcomes = await Promise.all(submissions.map((s) => settled(s.body.claimId as string)));
    expect(outcomes.filter((o) => o.status === 'closed')).toHaveLength(1);
    expect(outcomes.filter((o) => o.status === 'denied')).toHaveLength(4);
    expect(await remediesOf(accountId)).toEqual({
      credited: 300,
      credits: 1,
      holds: requestIds.map((item) => ({ item, remedied: 1, amount: '150' })),
    });
  });

  it('never refunds more of one charge than it took, however many billing-error claims name it', async () => {
    const { accountId } = await accountWithFailedCalls(d, 150);
    const transactionId = `txn_${ulid()}`;
    const fed = await d.call('POST', '/v1/usage/charges', {
      bearer: KEYS.operator,
      body: {
        records: [
          {
            transactionId,
            accountId,
            amountMinor: 5000,
            currency: 'USD',
            kind: 'subscription',
            createdAt: new Date(Date.now() - 86_400_000).toISOString(),
          },
        ],
      },
    });
    expect(fed.status).toBe(200);
    const claimCharge = async () => {
      const res = await d.call('POST', '/v1/claims', {
        body: { accountId, reason: 'billing_error', transactionId, explanation: 'I was charged $50, my plan is $40.' },
      });
      expect(res.status).toBe(202);
      await waitForStatus(d, res.body.claimId, 'in_review');
      return res.body.claimId as string;
    };
    const decide = (claimId: string, amountMinor: number) =>
      d.call('POST', `/v1/cases/${claimId}/decision`, {
        bearer: KEYS.lead,
        body: { outcome: 'partially_approved', amountMinor, remedy: 'credit', note: 'overcharge' },
      });

    const first = await claimCharge();
    expect((await decide(first, 3000)).status).toBe(200);
    await settled(first);

    // A second claim on the same charge may take what is left, and not a cent more.
    const second = await claimCharge();
    const over = await decide(second, 2001);
    expect(over.status).toBeGreaterThanOrEqual(400);
    expect(over.status).toBeLessThan(500);
    expect((await decide(second, 2000)).status).toBe(200);
    await settled(second);

    // Once nothing is left, the engine itself denies the next claim on that charge.
    const third = await d.call('POST', '/v1/claims', {
      body: { accountId, reason: 'billing_error', transactionId, explanation: 'Charged twice, refund me again.' },
    });
    expect(third.status).toBe(202);
    expect(await settled(third.body.claimId)).toMatchObject({ status: 'denied', decision: { outcome: 'denied' } });

    const remedies = await remediesOf(accountId);
    expect(remedies.holds).toEqual([{ item: transactionId, remedied: 2, amount: '5000' }]);
    expect(remedies.credited).toBe(5000);
  });
});
