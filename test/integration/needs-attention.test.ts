import { Client, Connection } from '@temporalio/client';
import { Registry } from 'prom-client';
import { ulid } from 'ulid';
import { MAX_REQUEST_IDS_PER_CLAIM } from '../../common/claim';
import { CLAIM_WORKFLOW_TYPE, claimWorkflowId } from '../../common/ids';
import { CLAIM_FLOW_REVISION } from '../../common/messages';
import { insertClaim } from '../../db/claims';
import { loadPolicyPacks } from '../../domain/policy';
import { ClaimFigureMetrics } from '../../metrics/claim-figures';
import { insertPreRangeRequests } from '../support/pre-range-ledger';
import { KEYS, startDesk, waitForClaimStatus, type Desk } from './desk-harness';

/**
 * #12 §2, no claim dies silently: the three reproduced failures end in needs_attention (visible in the staff
 * queue with the error, counted by the alert metric, logged), a policy change leaves open claims on the version
 * they pinned, and a claim naming the most request ids allowed is assessed and decided.
 */
let d: Desk;
let temporal: Client;

beforeAll(async () => {
  d = await startDesk();
  temporal = new Client({ connection: await Connection.connect({ address: process.env.TEMPORAL_ADDRESS! }) });
});

afterAll(async () => {
  await temporal?.connection.close();
  await d?.close();
});

const DAY = 86_400_000;
const yesterday = () => new Date(Date.now() - DAY).toISOString();
/** The longest id the schemas accept (common/ledger-records.ts RecordId). */
const longId = (prefix: string, i: number) => `${prefix}_${i}_`.padEnd(200, 'x');

async function account(policyId = 'pixazo-api') {
  const accountId = `acct_${ulid()}`;
  const email = `${accountId.toLowerCase()}@customer.example`;
  const res = await d.call('PUT', `/v1/accounts/${accountId}`, { bearer: KEYS.operator, body: { email, policyId } });
  expect(res.status).toBe(201);
  return { accountId, email };
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
    startedAt: yesterday(),
    completedAt: yesterday(),
  };
}

/** Ledger rows written straight to the table: rows from before the edge's range checks, or an import bug. */
const insertRequests = (accountId: string, ids: string[], amountMinor: number | string) =>
  insertPreRangeRequests(d.db, accountId, ids, amountMinor);

async function submit(body: Record<string, unknown>) {
  const res = await d.call('POST', '/v1/claims', { body });
  expect(res.status).toBe(202);
  const { claimId } = res.body as { claimId: string };
  return { claimId, claimToken: d.claimToken(claimId) };
}

/** Polls the claim's status (the case projection) until it is `status`, then reads the case as staff see it. */
async function waitForCase(claimId: string, status: string, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { rows } = await d.db.query<{ status: string }>('SELECT status FROM claims WHERE id = $1', [claimId]);
    if (rows[0]?.status === status) break;
    if (Date.now() > deadline) throw new Error(`claim ${claimId} stayed ${rows[0]?.status}, expected ${status}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  const { status: code, body } = await d.call('GET', `/v1/cases/${claimId}`, { bearer: KEYS.lead });
  expect(code).toBe(200);
  return body;
}

async function attentionCount(errorType: string): Promise<number> {
  const registry = new Registry();
  await new ClaimFigureMetrics(registry).refresh(d.db);
  const metric = await registry.getSingleMetric('refund_desk_claims_needing_attention_total')!.get();
  return metric.values.find((v) => v.labels.error_type === errorType)?.value ?? 0;
}

/** What a stopped claim shows staff: in the queue with its error, in the timeline as the guard's event. */
async function expectVisibleNeedsAttention(claimId: string, errorType: string) {
  const queue = await d.call('GET', '/v1/cases?status=needs_attention&limit=500', { bearer: KEYS.agent });
  expect(queue.status).toBe(200);
  const row = queue.body.cases.find((c: { claimId: string }) => c.claimId === claimId);
  expect(row).toMatchObject({ status: 'needs_attention', attention: { errorType } });
  expect(row.attention.message).not.toBe('');
  const events = await d.db.query<{ actor_type: string; actor_id: string; why: string; to_status: string }>(
    `SELECT actor_type, actor_id, why, to_status FROM claim_events WHERE claim_id = $1 AND type = 'needs_attention'`,
    [claimId],
  );
  expect(events.rows).toEqual([
    {
      actor_type: 'system',
      actor_id: 'claim-guard',
      why: expect.stringContaining(errorType),
      to_status: 'needs_attention',
    },
  ]);
  const run = await temporal.workflow.getHandle(claimWorkflowId(claimId)).describe();
  expect(run.status.name).toBe('RUNNING'); // waiting for a person, never FAILED
}

describe('a failure retrying cannot fix moves the claim to needs_attention', () => {
  it('two ledger requests of 2^53−1 overflow the sum: needs_attention, then retried once the ledger is corrected', async () => {
    const { accountId } = await account();
    const ids = [`${accountId}_big1`, `${accountId}_big2`];
    await insertRequests(accountId, ids, String(Number.MAX_SAFE_INTEGER));
    const before = await attentionCount('MoneyOverflow');
    const { claimId, claimToken } = await submit({ accountId, reason: 'failed_request', requestIds: ids });

    const stopped = await waitForCase(claimId, 'needs_attention');
    expect(stopped.attention).toMatchObject({
      errorType: 'MoneyOverflow',
      // The first check of a run makes the claim's opening move too (flow revision 1).
      activity: 'openEvidenceCheck',
      from: 'checking',
    });
    await expectVisibleNeedsAttention(claimId, 'MoneyOverflow');
    expect(await attentionCount('MoneyOverflow')).toBe(before + 1);

    // An agent may look but not answer; a lead retries once the platform fixed the rows.
    const refused = await d.call('POST', `/v1/cases/${claimId}/attention`, {
      bearer: KEYS.agent,
      body: { action: 'retry', why: 'ledger fixed' },
    });
    expect(refused.status).toBe(403);
    await d.db.query('UPDATE usage_requests SET amount_minor = 120 WHERE request_id = ANY($1)', [ids]);
    const retried = await d.call('POST', `/v1/cases/${claimId}/attention`, {
      bearer: KEYS.lead,
      body: { action: 'retry', why: 'the platform corrected the two amounts' },
    });
    expect(retried.status).toBe(200);
    expect(retried.body).toEqual({ claimId, status: 'received' });

    const closed = await waitForClaimStatus(d, claimId, claimToken, 'closed', 60_000);
    expect(closed.decision).toMatchObject({ outcome: 'approved', amountMinor: 240, remedy: 'credit' });
    const acks = await d.db.query(
      `SELECT count(*)::int AS n FROM notifications WHERE claim_id = $1 AND dedupe_key LIKE '%acknowledgement'`,
      [claimId],
    );
    expect(acks.rows[0].n).toBe(1); // the retried run does not acknowledge the claim again
    const again = await d.call('POST', `/v1/cases/${claimId}/attention`, {
      bearer: KEYS.lead,
      body: { action: 'close', why: 'late' },
    });
    expect(again.status).toBe(409);
  });

  it('an assessment above the payload limit (10,000 ids of a claim stored before the limit): needs_attention, then closed', async () => {
    const { accountId } = await account();
    const ids = Array.from({ length: 10_000 }, (_, i) => longId(accountId, i));
    await insertRequests(accountId, ids, 1);
    const pixazo = loadPolicyPacks().get('pixazo-api')!;
    const claimId = `clm_${ulid()}`;
    await insertClaim(d.db, {
      id: claimId,
      accountId,
      policyId: pixazo.id,
      policyVersion: pixazo.version,
      channel: 'api',
      reason: 'failed_request',
      requestIds: ids,
      transactionId: null,
      invoiceNumber: null,
      explanation: 'ten thousand failed calls',
      evidence: [],
      idempotencyKey: null,
      requestFingerprint: null,
      submittedAt: new Date(),
    });
    const before = await attentionCount('PayloadTooLarge');
    await temporal.workflow.start(CLAIM_WORKFLOW_TYPE, {
      taskQueue: d.taskQueue,
      workflowId: claimWorkflowId(claimId),
      args: [{ claimId, flowRevision: CLAIM_FLOW_REVISION }],
    });

    const stopped = await waitForCase(claimId, 'needs_attention', 200_000);
    expect(stopped.attention).toMatchObject({ errorType: 'PayloadTooLarge', activity: 'openEvidenceCheck' });
    expect(stopped.attention.message).toMatch(/bytes, above the 1000000-byte limit/);
    await expectVisibleNeedsAttention(claimId, 'PayloadTooLarge');
    expect(await attentionCount('PayloadTooLarge')).toBe(before + 1);

    const closed = await d.call('POST', `/v1/cases/${claimId}/attention`, {
      bearer: KEYS.lead,
      body: { action: 'close', why: 'asked the customer to split the claim' },
    });
    expect(closed.body).toEqual({ claimId, status: 'closed' });
    const holds = await d.db.query(
      `SELECT count(*)::int AS n FROM remedy_holds WHERE claim_id = $1 AND state = 'pending'`,
      [claimId],
    );
    expect(holds.rows[0].n).toBe(0);
    const result = await temporal.workflow.getHandle(claimWorkflowId(claimId)).result();
    expect(result).toBe('closed');
    const events = await d.db.query(
      `SELECT actor_id, why FROM claim_events WHERE claim_id = $1 AND type = 'closed_by_staff'`,
      [claimId],
    );
    expect(events.rows).toEqual([{ actor_id: 'lead:it-lead', why: 'asked the customer to split the claim' }]);
  }, 300_000);
});

describe('limits a valid claim fits in', () => {
  it(`a claim naming ${MAX_REQUEST_IDS_PER_CLAIM} request ids of the longest length is assessed, decided and closed`, async () => {
    const { accountId } = await account();
    const ids = Array.from({ length: MAX_REQUEST_IDS_PER_CLAIM }, (_, i) => longId(accountId, i));
    const feed = await d.call('POST', '/v1/usage/requests', {
      bearer: KEYS.operator,
      body: { records: ids.map((id) => failedCall(accountId, id, 20)) },
    });
    expect(feed.status).toBe(200);
    const { claimId, claimToken } = await submit({ accountId, reason: 'failed_request', requestIds: ids });

    // 1,000 × 20 minor units is above pixazo's automatic limit: a lead decides on the engine's proposal.
    const review = await waitForCase(claimId, 'in_review', 120_000);
    expect(review.proposal).toMatchObject({ outcome: 'approved', amountMinor: 20_000 });
    const decided = await d.call('POST', `/v1/cases/${claimId}/decision`, {
      bearer: KEYS.lead,
      body: { outcome: 'approved', remedy: 'credit', note: 'verified in the incident log' },
    });
    expect(decided.status).toBe(200);
    const closed = await waitForClaimStatus(d, claimId, claimToken, 'closed', 60_000);
    expect(closed.decision).toMatchObject({ outcome: 'approved', amountMinor: 20_000, remedy: 'credit' });
    expect(closed.decision.findings).toHaveLength(MAX_REQUEST_IDS_PER_CLAIM);
  });

  it('one id more than the limit is refused with 400, nothing stored', async () => {
    const { accountId } = await account();
    const ids = Array.from({ length: MAX_REQUEST_IDS_PER_CLAIM + 1 }, (_, i) => `${accountId}_${i}`);
    const res = await d.call('POST', '/v1/claims', { body: { accountId, reason: 'failed_request', requestIds: ids } });
    expect(res.status).toBe(400);
    const stored = await d.db.query('SELECT count(*)::int AS n FROM claims WHERE account_id = $1', [accountId]);
    expect(stored.rows[0].n).toBe(0);
  });
});

describe('a policy change under an open claim', () => {
  it('PUT /v1/accounts/:id to another policy leaves the open claim on the version it pinned, and it completes', async () => {
    const { accountId, email } = await account('pixazo-api');
    await d.call('POST', '/v1/usage/requests', {
      bearer: KEYS.operator,
      body: { records: [failedCall(accountId, `${accountId}_r1`, 120)] },
    });
    // No request ids: pixazo asks the customer for them, so the claim is open when the operator moves the account.
    const { claimId, claimToken } = await submit({ accountId, reason: 'failed_request', explanation: 'a call failed' });
    await waitForClaimStatus(d, claimId, claimToken, 'awaiting_customer');
    const moved = await d.call('PUT', `/v1/accounts/${accountId}`, {
      bearer: KEYS.operator,
      body: { email, policyId: 'apiany' },
    });
    expect(moved.status).toBe(200);

    const reply = await d.call('POST', `/v1/claims/${claimId}/reply`, {
      bearer: claimToken,
      body: { requestIds: [`${accountId}_r1`] },
    });
    expect(reply.status).toBe(200);
    const closed = await waitForClaimStatus(d, claimId, claimToken, 'closed', 60_000);
    const pixazo = loadPolicyPacks().get('pixazo-api')!;
    expect(closed.decision).toMatchObject({ outcome: 'approved', amountMinor: 120 });
    expect(closed.decision.reasons.map((r: { clause: string }) => r.clause)).toContain('§5.2');
    const row = await d.db.query('SELECT policy_id, policy_version FROM claims WHERE id = $1', [claimId]);
    expect(row.rows[0]).toEqual({ policy_id: 'pixazo-api', policy_version: pixazo.version });
  });
});
