import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import pino from 'pino';
import { ulid } from 'ulid';
import { claimWorkflowId } from '../../common/ids';
import { lockDueClaimStarts, enqueueClaimStart } from '../../db/claim-outbox';
import { startClaimDispatcher, type ClaimDispatcher } from '../../server/claim-dispatcher';
import { connectTemporal } from '../../server/temporal';
import { KEYS, startDesk, waitForClaimStatus, type Desk } from './desk-harness';

// The desk takes claims with its dispatcher off: every claim stays committed but unstarted, as after a crash
// between the commit and the workflow start. The dispatchers the tests start are the only ones for its queue.
let d: Desk;
let temporal: Client;
const dispatchers: ClaimDispatcher[] = [];
const logger = pino({ level: 'silent' });

beforeAll(async () => {
  d = await startDesk({}, { dispatchClaims: false });
  temporal = await connectTemporal(process.env.TEMPORAL_ADDRESS!, process.env.TEMPORAL_NAMESPACE ?? 'default');
});

afterEach(async () => {
  await Promise.all(dispatchers.splice(0).map((x) => x.stop()));
});

afterAll(async () => {
  await temporal?.connection.close();
  await d?.close();
});

/** A dispatcher for the desk's queue, as a restarted process would run it (its sweep kept out of the way). */
async function dispatcher(): Promise<ClaimDispatcher> {
  const started = await startClaimDispatcher({
    db: d.db,
    temporal,
    taskQueue: d.taskQueue,
    logger,
    settings: { sweepIntervalMs: 3_600_000, batchSize: 4, concurrency: 2 },
  });
  dispatchers.push(started);
  return started;
}

/** A fresh pixazo-api account with `n` calls that failed with 5xx, one claim's worth each. */
async function accountWithFailedCalls(n: number) {
  const accountId = `acct_${ulid()}`;
  const email = `${accountId.toLowerCase()}@customer.example`;
  expect(
    (
      await d.call('PUT', `/v1/accounts/${accountId}`, {
        bearer: KEYS.operator,
        body: { email, policyId: 'pixazo-api' },
      })
    ).status,
  ).toBe(201);
  const at = new Date(Date.now() - 2 * 86_400_000).toISOString();
  const records = Array.from({ length: n }, (_, i) => ({
    requestId: `${accountId}_${i}`,
    accountId,
    endpoint: '/v1/images/generate',
    model: 'sdxl',
    httpStatus: 502,
    outcome: 'error',
    amountMinor: 150,
    currency: 'USD',
    outputDelivered: false,
    startedAt: at,
    completedAt: at,
  }));
  expect((await d.call('POST', '/v1/usage/requests', { bearer: KEYS.operator, body: { records } })).status).toBe(200);
  return { accountId, email, requestIds: records.map((r) => r.requestId) };
}

async function submitClaims(n: number) {
  const account = await accountWithFailedCalls(n);
  const claimIds: string[] = [];
  for (const requestId of account.requestIds) {
    const res = await d.call('POST', '/v1/claims', {
      body: { accountId: account.accountId, reason: 'failed_request', requestIds: [requestId] },
    });
    expect(res.status).toBe(202);
    claimIds.push(res.body.claimId);
  }
  return { ...account, claimIds };
}

async function outboxRows(claimIds: string[]): Promise<string[]> {
  const { rows } = await d.db.query<{ claim_id: string }>(
    'SELECT claim_id FROM claim_outbox WHERE claim_id = ANY($1) ORDER BY claim_id',
    [claimIds],
  );
  return rows.map((r) => r.claim_id);
}

async function runIdOf(claimId: string): Promise<string> {
  return (await temporal.workflow.getHandle(claimWorkflowId(claimId)).describe()).runId;
}

async function runsOf(claimId: string): Promise<number> {
  let runs = 0;
  for await (const _ of temporal.workflow.list({ query: `WorkflowId = '${claimWorkflowId(claimId)}'` })) runs++;
  return runs;
}

/** Polls until `check` holds (30 s at most). */
async function until(check: () => boolean | Promise<boolean>) {
  const deadline = Date.now() + 30_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not reached within 30 s');
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('claim intake through the transactional outbox', () => {
  it('keeps a claim committed before a crash, then a restarted pair of dispatchers starts each workflow once', async () => {
    const { email, claimIds } = await submitClaims(5);

    // Committed and answered, not started: the customer sees `received`, Temporal has no run yet.
    expect(await outboxRows(claimIds)).toEqual([...claimIds].sort());
    for (const claimId of claimIds) {
      const view = await d.call('GET', `/v1/claims/${claimId}`, { bearer: d.claimToken(claimId) });
      expect(view.body.status).toBe('received');
      await expect(runIdOf(claimId)).rejects.toBeInstanceOf(WorkflowNotFoundError);
    }

    // The restart: two dispatchers at once; rows are locked SKIP LOCKED, so together they start each claim once.
    const [a, b] = await Promise.all([dispatcher(), dispatcher()]);
    await Promise.all([a.drain(), b.drain()]);
    expect(await outboxRows(claimIds)).toEqual([]);
    const runIds = await Promise.all(claimIds.map(runIdOf));

    // A second dispatch of the same claims (the crash came after the start but before the row's delete): no-op.
    for (const claimId of claimIds) await enqueueClaimStart(d.db, claimId, d.taskQueue);
    await Promise.all([a.drain(), b.drain()]);
    expect(await outboxRows(claimIds)).toEqual([]);
    expect(await Promise.all(claimIds.map(runIdOf))).toEqual(runIds);

    // Each claim runs to its end once: one credit, one acknowledgement, one run.
    for (const claimId of claimIds) await waitForClaimStatus(d, claimId, d.claimToken(claimId), 'closed', 60_000);
    const credits = await d.db.query<{ claim_id: string }>(
      'SELECT claim_id FROM credits_issued WHERE claim_id = ANY($1) ORDER BY claim_id',
      [claimIds],
    );
    expect(credits.rows.map((r) => r.claim_id)).toEqual([...claimIds].sort());
    const acks = () => d.sink.messages().filter((m) => m.to.includes(email) && /We received your/.test(m.subject));
    await until(() => acks().length >= claimIds.length);
    expect(acks()).toHaveLength(claimIds.length);
    for (const claimId of claimIds) {
      await until(async () => (await runsOf(claimId)) > 0);
      expect(await runsOf(claimId)).toBe(1);
    }
  });

  it('leaves a batch locked by a dispatcher to it, and hands it to another when that dispatcher dies mid-batch', async () => {
    const { claimIds } = await submitClaims(3);

    // A dispatcher locked the batch and died before committing; its connection ends, its locks go with it.
    const dying = await d.db.connect();
    let other: ClaimDispatcher;
    try {
      await dying.query('BEGIN');
      const locked = await lockDueClaimStarts(dying, d.taskQueue, 10);
      expect(locked.map((c) => c.claimId).sort()).toEqual([...claimIds].sort());
      other = await dispatcher();
      expect(await other.drain()).toBe(0);
      expect(await outboxRows(claimIds)).toEqual([...claimIds].sort());
    } finally {
      dying.release(new Error('dispatcher killed'));
    }

    // The server ends the killed session a moment later; the other dispatcher (its drain, or its own sweep) takes the rows.
    await until(async () => {
      await other.drain();
      return (await outboxRows(claimIds)).length === 0;
    });
    for (const claimId of claimIds) await waitForClaimStatus(d, claimId, d.claimToken(claimId), 'closed', 60_000);
  });
});
