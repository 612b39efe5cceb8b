import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { ulid } from 'ulid';
import { CLAIM_WORKFLOW_TYPE, claimWorkflowId } from '../../common/ids';
import { claimStateQuery, decideUpdate } from '../../common/messages';
import { insertClaim } from '../../db/claims';
import type { claimWorkflowV2 } from '../../workflows';
import { createTimeSkippingEnv } from '../support/temporal-env';
import { quietRuntime, registerClaimSearchAttributes } from '../workflows/workflow-harness';
import {
  chargebackWorld,
  recordChargebackHistory,
  type ChargebackWorld,
  type DisputedPurchase,
} from './chargeback-world';

const LEAD = { type: 'staff' as const, id: 'lead:test' };

let env: TestWorkflowEnvironment;
let world: ChargebackWorld;

beforeAll(async () => {
  quietRuntime();
  env = await createTimeSkippingEnv();
  await registerClaimSearchAttributes(env);
  world = await chargebackWorld(env);
});

afterAll(async () => {
  await world?.close();
  await env?.teardown();
});

/** A billing-error claim on the disputed charge, which the policy sends to a person. */
async function claimOn(p: DisputedPurchase) {
  const claimId = `clm_${ulid()}`;
  const policy = world.policies.current('pixazo-api')!;
  await insertClaim(world.db, {
    id: claimId,
    accountId: p.accountId,
    policyId: policy.id,
    policyVersion: policy.version,
    channel: 'api',
    reason: 'billing_error',
    requestIds: [],
    transactionId: p.transactionId,
    invoiceNumber: null,
    explanation: 'I was charged $50 but my plan is $40.',
    evidence: [],
    idempotencyKey: null,
    requestFingerprint: null,
    submittedAt: new Date(await env.currentTimeMs()),
  });
  const handle = await env.client.workflow.start<typeof claimWorkflowV2>(CLAIM_WORKFLOW_TYPE, {
    taskQueue: world.taskQueue,
    workflowId: claimWorkflowId(claimId),
    args: [{ claimId }],
  });
  return { claimId, handle };
}

async function claimStatus(handle: Awaited<ReturnType<typeof claimOn>>['handle'], status: string) {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const state = await handle.query(claimStateQuery);
    if (state.status === status) return state;
    if (Date.now() > deadline) throw new Error(`claim stayed ${state.status}, expected ${status}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function creditsIssued(claimId: string): Promise<number> {
  const { rows } = await world.db.query('SELECT 1 FROM credits_issued WHERE claim_id = $1', [claimId]);
  return rows.length;
}

const decision = {
  outcome: 'partially_approved' as const,
  amountMinor: 1000,
  remedy: 'credit' as const,
  note: 'overcharged by $10',
  actor: LEAD,
};

describe('refund claims on a disputed charge', () => {
  it('holds the claim while the dispute is open, pays nothing, and closes it as resolved_by_chargeback when the dispute is lost', async () => {
    const p = await world.purchase('pixazo-api');
    await world.run(async () => {
      const { claimId, handle } = await claimOn(p);
      await claimStatus(handle, 'in_review');
      await world.send(p, 'created');
      await world.waitForEvent(p, 'claims_held');
      await handle.executeUpdate(decideUpdate, { args: [decision] });
      await claimStatus(handle, 'on_hold');
      expect(await creditsIssued(claimId)).toBe(0);

      await world.send(p, 'closed', { processorStatus: 'lost', at: new Date(Date.now() + 1000) });
      expect(await handle.result()).toBe('resolved_by_chargeback');
      expect(await creditsIssued(claimId)).toBe(0);
      const { rows } = await world.db.query<{ type: string; data: { reason?: string } }>(
        `SELECT type, data FROM claim_events WHERE claim_id = $1 AND type IN ('held_by_dispute', 'resolved_by_chargeback') ORDER BY id`,
        [claimId],
      );
      expect(rows.map((r) => r.type)).toEqual(['held_by_dispute', 'resolved_by_chargeback']);
      expect(rows[0]!.data.reason).toBe('dispute_open');
      await recordChargebackHistory('claim-held-then-resolved-by-chargeback', handle);
    });
  });

  it('holds a claim filed after the dispute opened, and resumes it where it was when the dispute is won', async () => {
    const p = await world.purchase('pixazo-api');
    await world.run(async () => {
      await world.send(p, 'created');
      await world.waitFor(p, (s) => s.deadlines.length === 3, 'opened');
      const { claimId, handle } = await claimOn(p);
      await claimStatus(handle, 'in_review');
      await handle.executeUpdate(decideUpdate, { args: [decision] });
      await claimStatus(handle, 'on_hold');
      expect(await creditsIssued(claimId)).toBe(0);

      await world.send(p, 'closed', { processorStatus: 'won', at: new Date(Date.now() + 1000) });
      expect(await handle.result()).toBe('closed');
      expect(await creditsIssued(claimId)).toBe(1);
      const { rows } = await world.db.query<{ type: string }>(
        `SELECT type FROM claim_events WHERE claim_id = $1 ORDER BY id`,
        [claimId],
      );
      expect(rows.map((r) => r.type)).toEqual(expect.arrayContaining(['held_by_dispute', 'resumed_after_dispute']));
      await recordChargebackHistory('claim-held-then-resumed-after-win', handle);
    });
  });
});
