import { ulid } from 'ulid';
import { KEYS, startDesk, waitForClaimStatus, type Desk } from './desk-harness';

let d: Desk;

beforeAll(async () => {
  d = await startDesk();
});

afterAll(async () => {
  await d?.close();
});

const daysAgo = (n: number) => new Date(Date.now() - n * 86_400_000).toISOString();

async function account(policyId: string) {
  const accountId = `acct_${ulid()}`;
  const email = `${accountId.toLowerCase()}@customer.example`;
  expect(
    (await d.call('PUT', `/v1/accounts/${accountId}`, { bearer: KEYS.operator, body: { email, policyId } })).status,
  ).toBe(201);
  return { accountId, email };
}

async function feed(kind: 'requests' | 'charges', records: unknown[]) {
  expect((await d.call('POST', `/v1/usage/${kind}`, { bearer: KEYS.operator, body: { records } })).status).toBe(200);
}

const failed = (accountId: string, requestId: string, httpStatus = 502) => ({
  requestId,
  accountId,
  endpoint: '/v1/images/generate',
  httpStatus,
  outcome: 'error',
  amountMinor: 120,
  currency: 'USD',
  outputDelivered: false,
  startedAt: daysAgo(1),
  completedAt: daysAgo(1),
});

async function submit(body: Record<string, unknown>): Promise<{ claimId: string; claimToken: string }> {
  const res = await d.call('POST', '/v1/claims', { body });
  expect(res.status).toBe(202);
  return { claimId: res.body.claimId, claimToken: d.claimToken(res.body.claimId) };
}

/** No answer of the desk names the machinery it runs on. */
function speaksRefunds(body: { error?: string }) {
  expect(body.error ?? '').not.toMatch(/workflow|temporal/i);
}

describe('answers in the refund domain', () => {
  it('answers an unknown or malformed claim id with 404', async () => {
    const unknown = `clm_${ulid()}`;
    const decision = { outcome: 'denied', remedy: 'none' };
    const confirmation = { processorReference: 're_1' };
    const calls: [string, string, string, unknown][] = [
      ['GET', `/v1/cases/${unknown}`, KEYS.agent, undefined],
      ['GET', '/v1/cases/not-a-claim', KEYS.agent, undefined],
      ['POST', `/v1/cases/${unknown}/decision`, KEYS.lead, decision],
      ['POST', '/v1/cases/nope/payout-confirmation', KEYS.finance, confirmation],
      ['GET', '/v1/claims/nope', KEYS.agent, undefined],
    ];
    for (const [method, path, bearer, body] of calls) {
      const res = await d.call(method, path, { bearer, body });
      expect([path, res.status]).toEqual([path, 404]);
      speaksRefunds(res.body);
    }
  });

  it('refuses a decision on a closed claim with what happened to it, and never names the machinery', async () => {
    const { accountId } = await account('pixazo-api');
    await feed('requests', [failed(accountId, `${accountId}_a`)]);
    const claim = await submit({ accountId, reason: 'failed_request', requestIds: [`${accountId}_a`] });
    await waitForClaimStatus(d, claim.claimId, claim.claimToken, 'closed');
    const late = await d.call('POST', `/v1/cases/${claim.claimId}/decision`, {
      bearer: KEYS.lead,
      body: { outcome: 'denied', remedy: 'none' },
    });
    expect(late.status).toBe(409);
    expect(late.body.error).toMatch(
      new RegExp(`^claim ${claim.claimId} is closed \\(approved, credit sent on \\d{4}-\\d{2}-\\d{2}\\)$`),
    );
    const withdraw = await d.call('POST', `/v1/claims/${claim.claimId}/withdraw`, {
      bearer: claim.claimToken,
      body: {},
    });
    expect(withdraw.status).toBe(409);
    speaksRefunds(withdraw.body);
  });

  it('confirms a payout straight after the decision, answers closed, and treats the same confirmation again as the same', async () => {
    const { accountId } = await account('pixazo-api');
    const txn = `${accountId}_t`;
    await feed('charges', [
      {
        transactionId: txn,
        paymentReference: `pi_${txn}`,
        accountId,
        amountMinor: 5000,
        currency: 'USD',
        kind: 'credit_purchase',
        createdAt: daysAgo(2),
      },
    ]);
    const claim = await submit({
      accountId,
      reason: 'billing_error',
      transactionId: txn,
      explanation: 'charged for a pack I did not buy',
    });
    await waitForClaimStatus(d, claim.claimId, claim.claimToken, 'in_review');
    const decision = { outcome: 'approved', amountMinor: 5000, remedy: 'refund' };
    const decided = await d.call('POST', `/v1/cases/${claim.claimId}/decision`, { bearer: KEYS.lead, body: decision });
    expect(decided.body).toMatchObject({ status: 'awaiting_payout', decision: { outcome: 'approved' } });
    const again = await d.call('POST', `/v1/cases/${claim.claimId}/decision`, { bearer: KEYS.lead, body: decision });
    expect(again.status).toBe(200);
    expect(again.body.decision).toEqual(decided.body.decision);

    const confirm = (processorReference: string) =>
      d.call('POST', `/v1/cases/${claim.claimId}/payout-confirmation`, {
        bearer: KEYS.finance,
        body: { processorReference },
      });
    const first = await confirm('re_77');
    expect(first.body).toEqual({ claimId: claim.claimId, status: 'closed' });
    expect((await confirm('re_77')).body).toEqual({ claimId: claim.claimId, status: 'closed' });
    const other = await confirm('re_78');
    expect(other.status).toBe(409);
    expect(other.body.error).toContain('re_77');
  });

  it("describes another account's request only as not found on your account", async () => {
    const mine = await account('pixazo-api');
    const theirs = await account('pixazo-api');
    await feed('requests', [
      failed(mine.accountId, `${mine.accountId}_a`),
      failed(theirs.accountId, `${theirs.accountId}_x`, 503),
    ]);
    const claim = await submit({
      accountId: mine.accountId,
      reason: 'failed_request',
      requestIds: [`${mine.accountId}_a`, `${theirs.accountId}_x`],
    });
    const decided = await waitForClaimStatus(d, claim.claimId, claim.claimToken, 'in_review');
    const view = await d.call('GET', `/v1/cases/${claim.claimId}`, { bearer: KEYS.agent });
    const foreign = view.body.evidence.requests.find(
      (r: { requestId: string }) => r.requestId === `${theirs.accountId}_x`,
    );
    expect(foreign).toEqual({
      requestId: `${theirs.accountId}_x`,
      found: false,
      verdict: 'not_found',
      note: 'not found on your account',
    });
    const text = JSON.stringify([view.body.proposal, decided.decision]);
    expect(text).not.toContain('503');
    expect(text).not.toContain(theirs.accountId.toLowerCase());
    expect(view.body.proposal.arithmetic).toContain(
      `${theirs.accountId}_x: not found on your account, not_found, held for a person to verify, 0 refundable`,
    );
  });

  it('checks the transaction id a claim supplies: one not on the account goes back to the customer, naming it', async () => {
    const { accountId, email } = await account('imaginator');
    await feed('requests', [failed(accountId, `${accountId}_r`)]);
    const claim = await submit({
      accountId,
      email,
      reason: 'failed_request',
      requestIds: [`${accountId}_r`],
      transactionId: 'txn_made_up',
      explanation: 'a render failed',
    });
    const waiting = await waitForClaimStatus(d, claim.claimId, claim.claimToken, 'awaiting_customer');
    const asked = waiting.timeline.find((e: { type: string }) => e.type === 'information_requested');
    expect(asked.why).toContain('We found no charge txn_made_up on your account.');
    expect(asked.why).toContain('§4.2');
    const mail = await d.sink.waitFor((m) => m.to.includes(email) && /more information/.test(m.subject));
    expect(mail.text).toContain('We found no charge txn_made_up on your account.');
  });
});
