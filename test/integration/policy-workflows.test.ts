import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ulid } from 'ulid';
import { KEYS, startDesk, waitForClaimStatus, type Desk } from './desk-harness';

let d: Desk;

beforeAll(async () => {
  d = await startDesk();
});

afterAll(async () => {
  await d?.close();
});

const DAY = 86_400_000;
const daysAgo = (n: number) => new Date(Date.now() - n * DAY).toISOString();

async function account(policyId: string) {
  const accountId = `acct_${ulid()}`;
  const email = `${accountId.toLowerCase()}@customer.example`;
  expect(
    (await d.call('PUT', `/v1/accounts/${accountId}`, { bearer: KEYS.operator, body: { email, policyId } })).status,
  ).toBe(201);
  return { accountId, email };
}

async function feed(kind: 'requests' | 'charges' | 'outages', records: unknown[]) {
  const res = await d.call('POST', `/v1/usage/${kind}`, { bearer: KEYS.operator, body: { records } });
  expect(res.status).toBe(200);
}

function failedCall(accountId: string, requestId: string, amountMinor: number) {
  return {
    requestId,
    accountId,
    endpoint: '/v1/generate',
    httpStatus: 500,
    outcome: 'error',
    amountMinor,
    currency: 'USD',
    outputDelivered: false,
    startedAt: daysAgo(1),
    completedAt: daysAgo(1),
  };
}

async function submit(body: Record<string, unknown>) {
  const res = await d.call('POST', '/v1/claims', { body });
  expect(res.status).toBe(202);
  return { claimId: res.body.claimId as string, claimToken: d.claimToken(res.body.claimId) };
}

describe('a representative case of each policy, through the real workflow', () => {
  it('apiany: a failed request becomes an automatic credit adjustment, never cash', async () => {
    const { accountId } = await account('apiany');
    await feed('requests', [failedCall(accountId, `${accountId}_r1`, 250)]);
    const { claimId, claimToken } = await submit({
      accountId,
      reason: 'failed_request',
      requestIds: [`${accountId}_r1`],
    });
    const claim = await waitForClaimStatus(d, claimId, claimToken, 'closed');
    expect(claim.decision).toMatchObject({ outcome: 'approved', amountMinor: 250, remedy: 'credit' });
    expect(claim.decision.reasons.map((r: { clause: string }) => r.clause)).toContain('Failed or Interrupted Requests');
    expect((await d.db.query('SELECT 1 FROM payouts WHERE claim_id = $1', [claimId])).rowCount).toBe(0);
  });

  it('imaginator: a claim without its transaction id waits for the customer, whose reply resumes it to a refund', async () => {
    const { accountId, email } = await account('imaginator');
    const periodStart = new Date(Date.now() - 20 * DAY);
    const periodEnd = new Date(periodStart.getTime() + 10 * DAY);
    await feed('charges', [
      {
        transactionId: `${accountId}_t1`,
        paymentReference: `pi_${accountId}`,
        accountId,
        amountMinor: 10_000,
        currency: 'USD',
        kind: 'usage',
        periodStart: periodStart.toISOString(),
        periodEnd: periodEnd.toISOString(),
        createdAt: periodEnd.toISOString(),
      },
    ]);
    await feed('outages', [
      {
        id: `out_${accountId}`,
        startedAt: new Date(periodStart.getTime() + DAY).toISOString(),
        endedAt: new Date(periodStart.getTime() + 2 * DAY).toISOString(),
        scheduled: false,
        cause: 'region failure',
      },
    ]);
    const { claimId, claimToken } = await submit({
      accountId,
      reason: 'service_outage',
      explanation: 'Down for a day.',
    });
    const waiting = await waitForClaimStatus(d, claimId, claimToken, 'awaiting_customer');
    const request = waiting.timeline.find((e: { type: string }) => e.type === 'information_requested');
    expect(request.why).toMatch(/transaction/i);
    const mail = await d.sink.waitFor((m) => m.to.includes(email) && /more information/.test(m.subject));
    expect(mail.text).toContain('the transaction id or invoice number of the charge');

    const reply = await d.call('POST', `/v1/claims/${claimId}/reply`, {
      bearer: claimToken,
      body: { transactionId: `${accountId}_t1` },
    });
    expect(reply.status).toBe(200);
    const approved = await waitForClaimStatus(d, claimId, claimToken, 'awaiting_payout');
    // One day of unscheduled downtime in a ten-day billing period: a tenth of the charge.
    expect(approved.decision).toMatchObject({ outcome: 'partially_approved', amountMinor: 1_000, remedy: 'refund' });
    expect(approved.deadlines.find((x: { kind: string }) => x.kind === 'payout')).toMatchObject({
      businessDays: 10,
      state: 'open',
    });
    const confirm = await d.call('POST', `/v1/cases/${claimId}/payout-confirmation`, {
      bearer: KEYS.finance,
      body: { processorReference: 're_1' },
    });
    expect(confirm.status).toBe(200);
    await waitForClaimStatus(d, claimId, claimToken, 'closed');
  });

  it('sora2-api: every claim goes to a person, and a refund must record its legal basis', async () => {
    const { accountId } = await account('sora2-api');
    await feed('requests', [failedCall(accountId, `${accountId}_v1`, 900)]);
    const { claimId, claimToken } = await submit({
      accountId,
      reason: 'failed_request',
      requestIds: [`${accountId}_v1`],
      explanation: 'The render failed.',
    });
    await waitForClaimStatus(d, claimId, claimToken, 'in_review');
    const decide = (body: Record<string, unknown>) =>
      d.call('POST', `/v1/cases/${claimId}/decision`, { bearer: KEYS.lead, body });
    const withoutBasis = await decide({ outcome: 'approved', amountMinor: 900, remedy: 'refund' });
    expect(withoutBasis.status).toBe(422);
    expect(withoutBasis.body.error).toMatch(/note|basis/i);
    const withBasis = await decide({
      outcome: 'approved',
      amountMinor: 900,
      remedy: 'refund',
      note: 'Cal. Civ. Code §1750 et seq.: service not rendered',
    });
    expect(withBasis.status).toBe(200);
    const claim = await waitForClaimStatus(d, claimId, claimToken, 'awaiting_payout');
    expect(claim.decision).toMatchObject({
      outcome: 'approved',
      remedy: 'refund',
      note: expect.stringContaining('§1750'),
    });
  });
});

describe('the policy simulator', () => {
  const example = (name: string) =>
    JSON.parse(readFileSync(path.join(__dirname, '../../examples/simulations', `${name}.json`), 'utf8'));

  it.each([
    ['pixazo-api', 'pixazo-5xx', 'closed', 'decision', 'partially_approved', 120],
    ['apiany', 'apiany-duplicate-purchase', 'denied', 'decision', 'denied', 0],
    ['imaginator', 'imaginator-outage', 'awaiting_payout', 'decision', 'partially_approved', 1000],
    ['sora2-api', 'sora2-failed-call', 'in_review', 'proposal', 'denied', 0],
  ])(
    '%s: evaluates %s without starting anything, in the claim statuses and with the deadlines',
    async (policyId, file, status, shown, outcome, amountMinor) => {
      const claimsBefore = (await d.db.query('SELECT count(*) FROM claims')).rows[0].count;
      const res = await d.call('POST', `/v1/policies/${policyId}/simulate`, {
        bearer: KEYS.agent,
        body: example(file),
      });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        status,
        policy: { id: policyId, draft: false },
        [shown]: { outcome, amountMinor },
      });
      expect(res.body[shown === 'decision' ? 'proposal' : 'decision']).toBeNull();
      expect(res.body[shown].reasons.every((r: { clause: string; quote: string }) => r.clause && r.quote)).toBe(true);
      expect(res.body.deadlines.map((x: { kind: string }) => x.kind)).toEqual(
        expect.arrayContaining([
          'review_warning',
          'review',
          'resolution',
          ...(status === 'awaiting_payout' ? ['payout'] : []),
        ]),
      );
      expect((await d.db.query('SELECT count(*) FROM claims')).rows[0].count).toBe(claimsBefore);
    },
  );

  it('takes the claim fields of POST /v1/claims, a null HTTP status for no response, and names each bad field', async () => {
    const body = {
      claim: {
        accountId: 'acct_sim',
        email: 'someone@example.com',
        reason: 'failed_request',
        requestIds: ['r1'],
        submittedAt: '2026-11-20T15:00:00Z',
      },
      ledger: {
        requests: [
          {
            requestId: 'r1',
            httpStatus: null,
            outcome: 'timeout',
            amountMinor: 90,
            currency: 'USD',
            outputDelivered: false,
            startedAt: '2026-11-19T10:00:00Z',
          },
        ],
      },
    };
    const res = await d.call('POST', '/v1/policies/pixazo-api/simulate', { bearer: KEYS.agent, body });
    expect(res.status).toBe(200);
    expect(res.body.proposal.arithmetic[0]).toMatch(/^r1: no HTTP status, timeout/);
    const bad = await d.call('POST', '/v1/policies/pixazo-api/simulate', {
      bearer: KEYS.agent,
      body: { claim: { accountEmail: 'x@example.com', reason: 'nope' } },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toContain('claim.reason');
    expect(bad.body.error).toContain('accountEmail');
  });

  it('tries a draft version of a pack before it is published, and rejects an invalid draft', async () => {
    const { body: published } = await d.call('GET', '/v1/policies/pixazo-api');
    const draft = { ...published.pack, autoDecision: { ...published.pack.autoDecision, maxAmountMinor: 50 } };
    const res = await d.call('POST', '/v1/policies/pixazo-api/simulate', {
      bearer: KEYS.lead,
      body: { ...example('pixazo-5xx'), pack: draft },
    });
    expect(res.status).toBe(200);
    expect(res.body.policy.draft).toBe(true);
    expect(res.body.policy.version).not.toBe(published.version);
    expect(res.body.status).toBe('in_review'); // 120 is now above the draft's automatic limit
    const invalid = await d.call('POST', '/v1/policies/pixazo-api/simulate', {
      bearer: KEYS.lead,
      body: { ...example('pixazo-5xx'), pack: { ...published.pack, sla: {} } },
    });
    expect(invalid.status).toBe(422);
    expect(invalid.body.error).toMatch(/sla/);
  });
});
