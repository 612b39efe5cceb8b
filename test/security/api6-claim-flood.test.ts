import { countMailClaim } from '../../server/rate-limits';
import { startDesk, waitForClaimStatus, type Desk } from '../integration/desk-harness';
import { accountWithFailedCalls, raw } from './security-harness';

/**
 * OWASP API6:2023 unrestricted access to sensitive business flows: a claim flood on one account is cut off at
 * intake, before anything is stored or mailed, so the account owner's inbox is bounded too.
 */
const PER_ACCOUNT = 5;
const FLOOD = 40;

let d: Desk;

beforeAll(async () => {
  d = await startDesk({
    CLAIM_RATE_LIMIT_PER_ACCOUNT: String(PER_ACCOUNT),
    CLAIM_RATE_LIMIT_PER_CLIENT: '1000',
    CLAIM_RATE_LIMIT_WINDOW_SECONDS: '3600',
    TRUST_PROXY: 'loopback',
  });
});

afterAll(async () => {
  await d?.close();
});

describe('a claim flood on one account', () => {
  it(`accepts ${PER_ACCOUNT} of ${FLOOD} concurrent claims from many addresses; the owner gets ${PER_ACCOUNT} acknowledgements`, async () => {
    const account = await accountWithFailedCalls(d, FLOOD);
    const answers = await Promise.all(
      account.requestIds.map((requestId, i) =>
        raw(d, 'POST', '/v1/claims', {
          headers: { 'x-forwarded-for': `198.51.100.${i + 1}` },
          body: { accountId: account.accountId, reason: 'failed_request', requestIds: [requestId] },
        }).then(async (res) => ({ status: res.status, body: (await res.json()) as Record<string, string> })),
      ),
    );
    const accepted = answers.filter((a) => a.status === 202);
    expect(accepted).toHaveLength(PER_ACCOUNT);
    expect(answers.filter((a) => a.status === 429)).toHaveLength(FLOOD - PER_ACCOUNT);

    // Nothing of the refused requests was stored.
    const { rows } = await d.db.query<{ n: string }>('SELECT count(*) AS n FROM claims WHERE account_id = $1', [
      account.accountId,
    ]);
    expect(Number(rows[0]!.n)).toBe(PER_ACCOUNT);

    // Every accepted claim runs to its end, so every mail it will send has been sent; there are exactly that many.
    for (const a of accepted)
      await waitForClaimStatus(d, a.body.claimId!, d.claimToken(a.body.claimId!), 'closed', 60_000);
    const acknowledgements = () =>
      d.sink.messages().filter((m) => m.to.includes(account.email) && /^We received your refund claim/.test(m.subject));
    await d.sink.waitFor(() => acknowledgements().length >= PER_ACCOUNT, 30_000);
    expect(acknowledgements()).toHaveLength(PER_ACCOUNT);
    expect(d.sink.messages().filter((m) => m.to.includes(account.email)).length).toBeLessThanOrEqual(3 * PER_ACCOUNT);
  });

  it("counts the email channel's claims against the same account limit", async () => {
    const account = await accountWithFailedCalls(d, PER_ACCOUNT);
    const limits = { windowMs: 3_600_000, perClient: 0, perAccount: PER_ACCOUNT };
    for (const [i, requestId] of account.requestIds.slice(0, PER_ACCOUNT - 1).entries()) {
      const res = await raw(d, 'POST', '/v1/claims', {
        headers: { 'x-forwarded-for': `198.51.100.${200 + i}` },
        body: { accountId: account.accountId, reason: 'failed_request', requestIds: [requestId] },
      });
      expect(res.status).toBe(202);
    }
    await expect(countMailClaim(d.db, limits, account.accountId)).resolves.toBeUndefined();
    await expect(countMailClaim(d.db, limits, account.accountId)).rejects.toMatchObject({ status: 429 });
    const api = await raw(d, 'POST', '/v1/claims', {
      headers: { 'x-forwarded-for': '198.51.100.250' },
      body: {
        accountId: account.accountId,
        reason: 'failed_request',
        requestIds: [account.requestIds[PER_ACCOUNT - 1]],
      },
    });
    expect(api.status).toBe(429);
  });
});
