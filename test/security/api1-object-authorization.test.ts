/**
 * OWASP API1:2023 (broken object-level authorization): one customer's claim token opens that claim only. Another
 * customer's claims, cases, chargebacks, credits and ledger rows stay out of reach and out of every answer.
 */
import { waitForStatus } from '../console/console-harness';
import { KEYS, startDesk, waitForClaimStatus, type Desk } from '../integration/desk-harness';
import { accountWithFailedCalls, customerClaim, type CustomerClaim } from './owasp-fixtures';

let d: Desk;
let alice: CustomerClaim;
let bob: CustomerClaim;

beforeAll(async () => {
  d = await startDesk();
  // Bob's claim waits in review, so a withdrawal in his name would change it.
  [alice, bob] = await Promise.all([customerClaim(d, 'closed'), customerClaim(d, 'in_review')]);
});

afterAll(async () => {
  await d?.close();
});

/** What a claim looks like from the database: its status and how many events it has. */
async function footprint(claimId: string) {
  const { rows } = await d.db.query<{ status: string; events: number }>(
    `SELECT c.status, (SELECT count(*)::int FROM claim_events e WHERE e.claim_id = c.id) AS events
       FROM claims c WHERE c.id = $1`,
    [claimId],
  );
  return rows[0];
}

/** Nothing of Bob's in an answer meant for Alice: not his claim, account, email or request ids. */
function expectNothingOfBob(answer: unknown) {
  const text = JSON.stringify(answer ?? '');
  for (const secret of [bob.claimId, bob.accountId, bob.email, `${bob.accountId}_a`])
    expect(text).not.toContain(secret);
}

describe("API1: a customer's token opens their own claim and nothing else", () => {
  it("answers 404 to Alice's token on Bob's claim, for reading, replying and withdrawing, and changes nothing", async () => {
    const before = await footprint(bob.claimId);
    const asAlice = { bearer: alice.claimToken };
    const answers = [
      await d.call('GET', `/v1/claims/${bob.claimId}`, asAlice),
      await d.call('POST', `/v1/claims/${bob.claimId}/reply`, { ...asAlice, body: { message: 'I am Bob' } }),
      await d.call('POST', `/v1/claims/${bob.claimId}/withdraw`, { ...asAlice, body: {} }),
    ];
    for (const a of answers) {
      expect(a.status).toBe(404);
      expectNothingOfBob(a.body);
    }
    const page = await fetch(`${d.desk.apiUrl}/claims/${bob.claimId}?token=${alice.claimToken}`);
    expect(page.status).toBe(404);
    expect(await page.text()).not.toContain(bob.email);
    expect(await footprint(bob.claimId)).toEqual(before);
    // Her own claim still opens with the same token: the refusals above are about whose claim it is.
    expect((await d.call('GET', `/v1/claims/${alice.claimId}`, asAlice)).status).toBe(200);
  });

  it('refuses a token moved onto another claim id or altered by one character', async () => {
    const [, mac] = alice.claimToken.split(/_(.+)/) as [string, string];
    const flipped = `ct_${mac.slice(0, -1)}${mac.endsWith('A') ? 'B' : 'A'}`;
    for (const bearer of [flipped, `ct_${bob.claimId}`, `ct_${alice.claimId}`, bob.claimToken.toUpperCase()]) {
      const res = await d.call('GET', `/v1/claims/${bob.claimId}`, { bearer });
      // Not a claim token at all (no `ct_` prefix) is an unknown key: 401.
      expect([401, 404]).toContain(res.status);
      expectNothingOfBob(res.body);
    }
  });

  it("gives Alice's token no way into Bob's case, account, credits or chargebacks (staff routes: 401)", async () => {
    const paths = [
      `/v1/cases/${bob.claimId}`,
      `/v1/cases?accountId=${bob.accountId}`,
      `/v1/accounts/${bob.accountId}`,
      `/v1/accounts/${bob.accountId}/credits`,
      `/v1/chargebacks?accountId=${bob.accountId}`,
      `/v1/chargebacks/cb_${bob.claimId}`,
    ];
    for (const path of paths) {
      const res = await d.call('GET', path, { bearer: alice.claimToken });
      expect({ path, status: res.status }).toEqual({ path, status: 401 });
      expectNothingOfBob(res.body);
    }
    const grant = await d.call('POST', `/v1/accounts/${bob.accountId}/credits/grants`, {
      bearer: alice.claimToken,
      body: { grantId: 'g1', amountMinor: 100, currency: 'USD', kind: 'purchased' },
    });
    expect(grant.status).toBe(401);
  });

  it("never remedies or describes Bob's calls when Alice names them in her own claim", async () => {
    const own = await accountWithFailedCalls(d, 150);
    const submitted = await d.call('POST', '/v1/claims', {
      body: {
        accountId: own.accountId,
        reason: 'failed_request',
        requestIds: [`${bob.accountId}_a`, `${bob.accountId}_b`],
        explanation: 'these failed',
      },
    });
    expect(submitted.status).toBe(202);
    const { claimId } = submitted.body as { claimId: string };
    const claimToken = d.claimToken(claimId);
    // The engine finds nothing of hers to remedy and hands the claim to a person; the lead denies it.
    await waitForStatus(d, claimId, 'in_review');
    const decided = await d.call('POST', `/v1/cases/${claimId}/decision`, {
      bearer: KEYS.lead,
      body: { outcome: 'denied', remedy: 'none', note: 'not calls of this account' },
    });
    expect(decided.status).toBe(200);
    const view = (await d.call('GET', `/v1/claims/${claimId}`, { bearer: claimToken })).body;
    expect(view.decision).toMatchObject({ outcome: 'denied', amountMinor: 0 });
    // "Not found on your account", never "it is someone else's": that would confirm the id exists.
    expect(view.decision.findings.map((f: { verdict: string }) => f.verdict)).toEqual(['not_found', 'not_found']);
    const text = JSON.stringify(view);
    expect(text).not.toContain(bob.email);
    expect(text).not.toContain('/v1/images/generate');
    expect(text).not.toMatch(/other.account/i);
    const { rows } = await d.db.query('SELECT 1 FROM credits_issued WHERE claim_id = $1', [claimId]);
    expect(rows).toEqual([]);
  });

  it("credits only Alice's own call when she mixes it with Bob's, and calls his not found", async () => {
    const own = await accountWithFailedCalls(d, 150);
    const submitted = await d.call('POST', '/v1/claims', {
      body: {
        accountId: own.accountId,
        reason: 'failed_request',
        requestIds: [own.requestIds[0], `${bob.accountId}_b`],
        explanation: 'these failed',
      },
    });
    expect(submitted.status).toBe(202);
    const { claimId } = submitted.body as { claimId: string };
    const claimToken = d.claimToken(claimId);
    await waitForStatus(d, claimId, 'in_review');
    const decided = await d.call('POST', `/v1/cases/${claimId}/decision`, {
      bearer: KEYS.lead,
      body: { outcome: 'partially_approved', amountMinor: 150, remedy: 'credit', note: 'her own call only' },
    });
    expect(decided.status).toBe(200);
    const view = await waitForClaimStatus(d, claimId, claimToken, 'closed');
    expect(view.decision).toMatchObject({ outcome: 'partially_approved', amountMinor: 150 });
    expect(view.decision.findings.map((f: { verdict: string }) => f.verdict)).toEqual(['platform_error', 'not_found']);
    expect(JSON.stringify(view)).not.toMatch(/other.account|6000|60\.00/i);
    const { rows } = await d.db.query('SELECT amount_minor FROM credits_issued WHERE claim_id = $1', [claimId]);
    expect(rows).toEqual([{ amount_minor: '150' }]);
  });
});
