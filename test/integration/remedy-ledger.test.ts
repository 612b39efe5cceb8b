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

async function feed(kind: 'requests' | 'charges', records: unknown[]) {
  expect((await d.call('POST', `/v1/usage/${kind}`, { bearer: KEYS.operator, body: { records } })).status).toBe(200);
}

function call(accountId: string, requestId: string, over: Record<string, unknown> = {}) {
  return {
    requestId,
    accountId,
    endpoint: '/v1/images/generate',
    httpStatus: 502,
    outcome: 'error',
    amountMinor: 120,
    currency: 'USD',
    outputDelivered: false,
    startedAt: daysAgo(1),
    completedAt: daysAgo(1),
    ...over,
  };
}

function purchase(accountId: string, transactionId: string, amountMinor = 5000) {
  return {
    transactionId,
    invoiceNumber: `INV-${transactionId}`,
    paymentReference: `pi_${transactionId}`,
    accountId,
    amountMinor,
    currency: 'USD',
    kind: 'credit_purchase',
    createdAt: daysAgo(3),
  };
}

type Submitted = { claimId: string; claimToken: string };

async function submit(body: Record<string, unknown>): Promise<Submitted> {
  const res = await d.call('POST', '/v1/claims', { body });
  expect(res.status).toBe(202);
  return { claimId: res.body.claimId, claimToken: d.claimToken(res.body.claimId) };
}

/** Polls until the claim's status is one of `statuses`. */
async function settle(c: Submitted, statuses: string[], timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { body } = await d.call('GET', `/v1/claims/${c.claimId}`, { bearer: c.claimToken });
    if (statuses.includes(body?.status)) return body;
    if (Date.now() > deadline)
      throw new Error(`claim ${c.claimId} stayed ${body?.status}, expected ${statuses.join('/')}`);
    await new Promise((r) => setTimeout(r, 150));
  }
}

async function rows<T>(sql: string, params: unknown[]): Promise<T[]> {
  return (await d.db.query(sql, params)).rows as T[];
}

const decide = (claimId: string, body: Record<string, unknown>) =>
  d.call('POST', `/v1/cases/${claimId}/decision`, { bearer: KEYS.lead, body });

describe('the remedy ledger never pays an item twice (real PostgreSQL and Temporal dev server)', () => {
  it('20 concurrent claims for the same two 5xx calls produce exactly one credit per call', async () => {
    const { accountId } = await account('pixazo-api');
    const ids = [`${accountId}_a`, `${accountId}_b`];
    await feed(
      'requests',
      ids.map((id) => call(accountId, id)),
    );

    const claims = await Promise.all(
      Array.from({ length: 20 }, () => submit({ accountId, reason: 'failed_request', requestIds: ids })),
    );
    const finals = await Promise.all(claims.map((c) => settle(c, ['closed', 'denied'])));

    const closed = finals.filter((f) => f.status === 'closed');
    expect(closed).toHaveLength(1);
    expect(closed[0].decision).toMatchObject({ outcome: 'approved', amountMinor: 240, remedy: 'credit' });
    for (const denied of finals.filter((f) => f.status === 'denied')) {
      expect(denied.decision.findings.map((f: { verdict: string }) => f.verdict)).toEqual([
        'already_remedied',
        'already_remedied',
      ]);
      expect(denied.decision.reasons.find((r: { code: string }) => r.code === 'already_remedied').message).toContain(
        closed[0].claimId,
      );
    }
    const credits = await rows<{ n: number; total: string }>(
      'SELECT count(*)::int AS n, sum(ci.amount_minor) AS total FROM credits_issued ci JOIN claims c ON c.id = ci.claim_id WHERE c.account_id = $1',
      [accountId],
    );
    expect(credits).toEqual([{ n: 1, total: '240' }]);
    const perRequest = await rows<{ request_id: string; n: number }>(
      `SELECT request_id, count(*)::int AS n FROM remedy_holds WHERE request_id = ANY($1) AND state = 'remedied' GROUP BY request_id ORDER BY request_id`,
      [ids],
    );
    expect(perRequest).toEqual(ids.map((id) => ({ request_id: id, n: 1 })));
    console.info(
      `[figures] 20 concurrent pixazo claims on 2 calls (240 charged): ${closed.length} credited, ${finals.length - closed.length} denied; credits ${credits[0]!.n} totalling ${credits[0]!.total}; remedies per call ${perRequest.map((r) => r.n).join(', ')}`,
    );
  });

  it('imaginator: 5 concurrent refund claims for the same failed call produce one payout', async () => {
    const { accountId, email } = await account('imaginator');
    const txn = `${accountId}_t`;
    await feed('charges', [purchase(accountId, txn)]);
    await feed('requests', [call(accountId, `${accountId}_r`, { amountMinor: 300 })]);
    const body = {
      accountId,
      email,
      reason: 'failed_request',
      transactionId: txn,
      requestIds: [`${accountId}_r`],
      explanation: 'the render failed with a 502',
    };
    const claims = await Promise.all(Array.from({ length: 5 }, () => submit(body)));
    const finals = await Promise.all(claims.map((c) => settle(c, ['awaiting_payout', 'denied'])));
    expect(finals.filter((f) => f.status === 'awaiting_payout')).toHaveLength(1);
    const payouts = await rows<{ n: number; total: string }>(
      'SELECT count(*)::int AS n, sum(p.amount_minor) AS total FROM payouts p JOIN claims c ON c.id = p.claim_id WHERE c.account_id = $1',
      [accountId],
    );
    expect(payouts).toEqual([{ n: 1, total: '300' }]);
    console.info(
      `[figures] 5 concurrent imaginator refund claims on 1 call (300 charged): payouts ${payouts[0]!.n} totalling ${payouts[0]!.total}`,
    );
  });

  it('a second in-review claim for the same calls waits for the first, and is not paid after a lead approves the first', async () => {
    const { accountId } = await account('pixazo-api');
    const ids = [`${accountId}_t1`, `${accountId}_t2`];
    // Timeouts with no outage on record need a person to verify them: both claims would go to review.
    await feed(
      'requests',
      ids.map((id) => call(accountId, id, { httpStatus: 0, outcome: 'timeout', completedAt: null })),
    );
    const first = await submit({ accountId, reason: 'failed_request', requestIds: ids });
    await waitForClaimStatus(d, first.claimId, first.claimToken, 'in_review');
    const second = await submit({ accountId, reason: 'failed_request', requestIds: ids });
    const waiting = await waitForEvent(second, 'waiting_for_claim');
    expect(waiting.why).toContain(first.claimId);
    expect((await decide(second.claimId, { outcome: 'approved', amountMinor: 240, remedy: 'credit' })).status).toBe(
      409,
    );

    const approved = await decide(first.claimId, { outcome: 'approved', amountMinor: 240, remedy: 'credit' });
    expect(approved.status).toBe(200);
    expect(approved.body.status).toBe('closed');
    const denied = await waitForClaimStatus(d, second.claimId, second.claimToken, 'denied');
    expect(denied.decision.reasons.find((r: { code: string }) => r.code === 'already_remedied').message).toContain(
      first.claimId,
    );
    const credits = await rows<{ n: number }>(
      'SELECT count(*)::int AS n FROM credits_issued ci JOIN claims c ON c.id = ci.claim_id WHERE c.account_id = $1',
      [accountId],
    );
    expect(credits[0]!.n).toBe(1);
  });

  it('$10 refunded then $50 asked on a $50 charge: the later decision is refused with the $40.00 remainder, and $40 is accepted', async () => {
    const { accountId } = await account('pixazo-api');
    const txn = `${accountId}_txn`;
    await feed('charges', [purchase(accountId, txn)]);

    const first = await submit({
      accountId,
      reason: 'billing_error',
      transactionId: txn,
      explanation: 'charged twice for one pack',
    });
    await waitForClaimStatus(d, first.claimId, first.claimToken, 'in_review');
    const partial = await decide(first.claimId, { outcome: 'partially_approved', amountMinor: 1000, remedy: 'refund' });
    expect(partial.body).toMatchObject({ status: 'awaiting_payout' });
    const confirmed = await d.call('POST', `/v1/cases/${first.claimId}/payout-confirmation`, {
      bearer: KEYS.finance,
      body: { processorReference: 're_10' },
    });
    expect(confirmed.body).toMatchObject({ status: 'closed' });

    const second = await submit({
      accountId,
      reason: 'billing_error',
      transactionId: txn,
      explanation: 'the rest was wrong too',
    });
    await waitForClaimStatus(d, second.claimId, second.claimToken, 'in_review');
    const view = await d.call('GET', `/v1/cases/${second.claimId}`, { bearer: KEYS.agent });
    expect(view.body.proposal).toMatchObject({ amountMinor: 4000 });
    expect(view.body.proposal.reasons[0].message).toContain(
      `$10.00 of this $50.00 charge ${txn} was already refunded under ${first.claimId}`,
    );
    expect(view.body.evidence.charges.find((c: { claimed: boolean }) => c.claimed)).toMatchObject({
      amountMinor: 5000,
      remainingMinor: 4000,
    });

    const tooMuch = await decide(second.claimId, { outcome: 'approved', amountMinor: 5000, remedy: 'refund' });
    expect(tooMuch.status).toBe(422);
    expect(tooMuch.body.error).toContain('only $40.00');
    const rest = await decide(second.claimId, { outcome: 'approved', amountMinor: 4000, remedy: 'refund' });
    expect(rest.status).toBe(200);

    // The issue's own sequence: a duplicate-charge claim on the same transaction finds nothing left.
    const third = await submit({ accountId, reason: 'duplicate_charge', transactionId: txn });
    await waitForClaimStatus(d, third.claimId, third.claimToken, 'in_review');
    const fifty = await decide(third.claimId, { outcome: 'approved', amountMinor: 5000, remedy: 'refund' });
    expect(fifty.status).toBe(422);
    expect(fifty.body.error).toContain('only $0.00');
    const paid = await rows<{ total: string }>(
      'SELECT sum(amount_minor) AS total FROM payouts p JOIN claims c ON c.id = p.claim_id WHERE c.account_id = $1',
      [accountId],
    );
    expect(paid[0]!.total).toBe('5000');
  });

  it('20 concurrent staff decisions against one $50 charge never remedy more than $50', async () => {
    const { accountId } = await account('pixazo-api');
    const txn = `${accountId}_txn`;
    await feed('charges', [purchase(accountId, txn)]);
    // No copy of the charge exists, so each duplicate-charge claim goes to a person with nothing reserved.
    const claims = await Promise.all(
      Array.from({ length: 20 }, () => submit({ accountId, reason: 'duplicate_charge', transactionId: txn })),
    );
    await Promise.all(claims.map((c) => waitForClaimStatus(d, c.claimId, c.claimToken, 'in_review', 60_000)));

    const answers = await Promise.all(
      claims.map((c) => decide(c.claimId, { outcome: 'approved', amountMinor: 1000, remedy: 'refund' })),
    );
    const accepted = answers.filter((a) => a.status === 200);
    const refused = answers.filter((a) => a.status === 422);
    expect(accepted).toHaveLength(5);
    expect(refused).toHaveLength(15);
    for (const r of refused) expect(r.body.error).toMatch(/only \$0\.00|remain/);
    const payouts = await rows<{ n: number; total: string }>(
      'SELECT count(*)::int AS n, sum(p.amount_minor) AS total FROM payouts p JOIN claims c ON c.id = p.claim_id WHERE c.account_id = $1',
      [accountId],
    );
    const held = await rows<{ total: string }>(
      `SELECT sum(amount_minor) AS total FROM remedy_holds WHERE transaction_id = $1 AND state <> 'released'`,
      [txn],
    );
    expect(payouts).toEqual([{ n: 5, total: '5000' }]);
    expect(held[0]!.total).toBe('5000');
    console.info(
      `[figures] 20 concurrent staff decisions of 1000 on one 5000 charge: ${accepted.length} accepted, ${refused.length} refused (422); payouts ${payouts[0]!.n} totalling ${payouts[0]!.total}`,
    );
  });
});

async function waitForEvent(c: Submitted, type: string, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { body } = await d.call('GET', `/v1/cases/${c.claimId}`, { bearer: KEYS.agent });
    const event = body?.timeline?.find((e: { type: string }) => e.type === type);
    if (event) return event;
    if (Date.now() > deadline) throw new Error(`claim ${c.claimId} has no ${type} event`);
    await new Promise((r) => setTimeout(r, 150));
  }
}
