import type { WorkflowHandle } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { EvidenceCheck } from '../../common/claim';
import { claimStateQuery, confirmPayoutUpdate, decideUpdate, withdrawUpdate } from '../../common/messages';
import { loadPolicyPacks } from '../../domain/policy';
import { createTimeSkippingEnv } from '../support/temporal-env';
import { fakeActivities, type TestSla } from './fake-activities';
import {
  FINANCE,
  LEAD,
  needsReview,
  proposal,
  quietRuntime,
  recordHistoriesIfAsked,
  registerClaimSearchAttributes,
  startClaim,
  testWorker,
  uniqueTaskQueue,
  waitForStatus,
} from './workflow-harness';

const SLA: TestSla = {
  calendar: loadPolicyPacks().get('pixazo-api')!.pack.calendar,
  businessDays: { review_warning: 5, review: 7, resolution: 10, payout: 10, customer_reply: 10 },
};
const SUITE = 'claim handler races on the time-skipping server';

let env: TestWorkflowEnvironment;

beforeAll(async () => {
  quietRuntime();
  env = await createTimeSkippingEnv();
  await registerClaimSearchAttributes(env);
});

afterAll(async () => {
  await env?.teardown();
});

/** A gate an activity waits at, so a test can send an update while that activity is running. */
function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { open, opened };
}

async function claimWith(
  checks: EvidenceCheck[],
  tweak: (fake: ReturnType<typeof fakeActivities>) => void = () => undefined,
) {
  const taskQueue = uniqueTaskQueue();
  const fake = fakeActivities(checks, SLA);
  tweak(fake);
  const worker = await testWorker(env, fake.activities, taskQueue);
  return { ...fake, worker, start: () => startClaim(env, taskQueue) };
}

async function until(check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not reached');
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe(SUITE, () => {
  it('refuses, cleanly, a withdrawal that arrives while a denial is being recorded, and still ends denied', async () => {
    const recording = gate();
    const ctx = await claimWith([needsReview()], (fake) => {
      const record = fake.activities.recordClaimDecision;
      fake.activities.recordClaimDecision = jest.fn(async (input) => {
        await recording.opened;
        return record(input);
      });
    });
    const handles: WorkflowHandle[] = [];
    await ctx.worker.runUntil(async () => {
      const { handle } = await ctx.start();
      handles.push(handle);
      await waitForStatus(handle, 'in_review');
      const decided = handle.executeUpdate(decideUpdate, {
        args: [{ outcome: 'denied', remedy: 'none', actor: LEAD }],
      });
      await until(() => (ctx.activities.recordClaimDecision as jest.Mock).mock.calls.length > 0);
      await expect(handle.executeUpdate(withdrawUpdate, { args: [{ why: 'never mind' }] })).rejects.toMatchObject({
        cause: { type: 'ClaimNotInExpectedState', message: expect.stringContaining('can no longer be withdrawn') },
      });
      recording.open();
      expect((await decided).outcome).toBe('denied');
      expect(await handle.result()).toBe('denied');
    });
    await recordHistoriesIfAsked(SUITE, handles);
    expect(ctx.ledger.notices).toEqual(['acknowledgement', 'in_review', 'decision']);
  });

  it('answers a withdrawal sent while a decision is being checked with a retryable refusal; the decision stands', async () => {
    const checking = gate();
    const ctx = await claimWith([needsReview()], (fake) => {
      const validate = fake.activities.validateStaffDecision;
      fake.activities.validateStaffDecision = jest.fn(async (input) => {
        await checking.opened;
        return validate(input);
      });
    });
    await ctx.worker.runUntil(async () => {
      const { handle } = await ctx.start();
      await waitForStatus(handle, 'in_review');
      const decided = handle.executeUpdate(decideUpdate, {
        args: [{ outcome: 'approved', remedy: 'credit', actor: LEAD }],
      });
      await until(() => (ctx.activities.validateStaffDecision as jest.Mock).mock.calls.length > 0);
      await expect(handle.executeUpdate(withdrawUpdate, { args: [{}] })).rejects.toMatchObject({
        cause: { type: 'ClaimBetweenStates' },
      });
      checking.open();
      expect((await decided).outcome).toBe('approved');
      expect(await handle.result()).toBe('closed');
    });
    expect(ctx.ledger.credits).toBe(1);
  });

  it('answers each action with the status the claim moved to: a payout confirmation says closed, and the same confirmation again is the same', async () => {
    const handles: WorkflowHandle[] = [];
    const ctx = await claimWith([{ kind: 'decided', decision: proposal({ remedy: 'refund' }) }]);
    await ctx.worker.runUntil(async () => {
      const { handle } = await ctx.start();
      handles.push(handle);
      await waitForStatus(handle, 'awaiting_payout');
      const confirmation = { processorReference: 're_42', actor: FINANCE };
      const [first, again] = await Promise.all([
        handle.executeUpdate(confirmPayoutUpdate, { args: [confirmation] }),
        handle.executeUpdate(confirmPayoutUpdate, { args: [confirmation] }),
      ]);
      expect([first, again]).toEqual(['closed', 'closed']);
      expect(await handle.result()).toBe('closed');
    });
    await recordHistoriesIfAsked(SUITE, handles);
    expect(ctx.activities.recordPayoutConfirmation).toHaveBeenCalledTimes(1);
  });

  it('refuses a second payout confirmation with another processor reference as a conflict', async () => {
    const confirming = gate();
    const ctx = await claimWith([{ kind: 'decided', decision: proposal({ remedy: 'refund' }) }], (fake) => {
      const confirm = fake.activities.recordPayoutConfirmation;
      fake.activities.recordPayoutConfirmation = jest.fn(async (input) => {
        await confirming.opened;
        return confirm(input);
      });
    });
    await ctx.worker.runUntil(async () => {
      const { handle } = await ctx.start();
      await waitForStatus(handle, 'awaiting_payout');
      const first = handle.executeUpdate(confirmPayoutUpdate, {
        args: [{ processorReference: 're_1', actor: FINANCE }],
      });
      await until(() => (ctx.activities.recordPayoutConfirmation as jest.Mock).mock.calls.length > 0);
      await expect(
        handle.executeUpdate(confirmPayoutUpdate, { args: [{ processorReference: 're_2', actor: FINANCE }] }),
      ).rejects.toMatchObject({ cause: { type: 'ConflictingAction', message: expect.stringContaining('re_1') } });
      confirming.open();
      expect(await first).toBe('closed');
    });
  });

  it('waits while another claim holds the same items, and is checked again when that claim wakes it', async () => {
    const handles: WorkflowHandle[] = [];
    const waiter = await claimWith([
      { kind: 'waiting', heldBy: ['clm_holder'], items: ['req_1', 'req_2'] },
      {
        kind: 'decided',
        decision: proposal({ outcome: 'denied', remedy: 'none', amount: { amountMinor: 0, currency: 'USD' } }),
      },
    ]);
    const holder = await claimWith([{ kind: 'decided', decision: proposal() }]);
    await waiter.worker.runUntil(
      holder.worker.runUntil(async () => {
        const waiting = await waiter.start();
        handles.push(waiting.handle);
        await until(() => waiter.ledger.events.includes('waiting_for_claim'));
        expect((await waiting.handle.query(claimStateQuery)).status).toBe('checking');
        // The holder's settlement reports the waiter, and the holder's workflow wakes it.
        holder.ledger.wake.push([waiting.claimId]);
        const held = await holder.start();
        handles.push(held.handle);
        expect(await held.handle.result()).toBe('closed');
        expect(await waiting.handle.result()).toBe('denied');
      }),
    );
    await recordHistoriesIfAsked(SUITE, handles);
    expect(waiter.activities.runEvidenceCheck).toHaveBeenCalledTimes(2);
    expect(holder.ledger.settled).toEqual([{ release: true }]);
  });
});
