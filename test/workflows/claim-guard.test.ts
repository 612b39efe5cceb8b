import { ApplicationFailure } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { answerAttentionUpdate, claimStateQuery, withdrawUpdate } from '../../common/messages';
import { loadPolicyPacks } from '../../domain/policy';
import { createTimeSkippingEnv } from '../support/temporal-env';
import { fakeActivities, type TestSla } from './fake-activities';
import { pixazoAssessment } from './pixazo-scenarios';
import {
  LEAD,
  quietRuntime,
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

let env: TestWorkflowEnvironment;

beforeAll(async () => {
  quietRuntime();
  env = await createTimeSkippingEnv();
  await registerClaimSearchAttributes(env);
});

afterAll(async () => {
  await env?.teardown();
});

/** The evidence check fails once with `failure`, then assesses as the scenario says. */
function failingOnce(failure: Error) {
  const fake = fakeActivities([pixazoAssessment('two_5xx')], SLA);
  const assess = fake.activities.runEvidenceCheck;
  let failed = false;
  fake.activities.runEvidenceCheck = jest.fn(async (input) => {
    if (failed) return assess(input);
    failed = true;
    throw failure;
  });
  return fake;
}

const overflow = () =>
  ApplicationFailure.create({
    type: 'MoneyOverflow',
    message: '9007199254740991 + 9007199254740991',
    nonRetryable: true,
  });

describe('the claim guard', () => {
  it('moves a claim whose evidence check cannot succeed to needs_attention and waits; a retry starts it again', async () => {
    const { activities, ledger } = failingOnce(overflow());
    const taskQueue = uniqueTaskQueue();
    const worker = await testWorker(env, activities, taskQueue);
    await worker.runUntil(async () => {
      const { claimId, handle } = await startClaim(env, taskQueue);
      await waitForStatus(handle, 'needs_attention');
      expect(activities.markNeedsAttention).toHaveBeenCalledWith({
        claimId,
        eventKey: expect.stringContaining(':attention:stopped'),
        cause: {
          errorType: 'MoneyOverflow',
          message: '9007199254740991 + 9007199254740991',
          // The first check of a run makes the claim's opening move too (flow revision 1).
          activity: 'openEvidenceCheck',
          clause: null,
        },
      });
      expect((await handle.describe()).status.name).toBe('RUNNING');
      // A withdrawal would wait for a status the stopped claim never reaches: refused in plain words.
      await expect(handle.executeUpdate(withdrawUpdate, { args: [{}] })).rejects.toThrow();

      const status = await handle.executeUpdate(answerAttentionUpdate, {
        args: [{ action: 'retry', why: 'ledger corrected', actor: LEAD }],
      });
      expect(status).toBe('received');
      expect(await handle.result()).toBe('closed'); // follows the continued run
      expect(await handle.query(claimStateQuery)).toMatchObject({ status: 'closed' });
    });
    expect(ledger.events).toContain('attention_retried');
    expect(ledger.statuses).toEqual(['checking', 'needs_attention', 'received', 'checking', 'approved', 'closed']);
    expect(ledger.notices).toEqual(['acknowledgement', 'decision', 'money_sent']); // acknowledged once
    expect(ledger.credits).toBe(1);
  });

  it('closes a stopped claim on a lead’s word, releasing what it reserved; a second answer is refused', async () => {
    const { activities, ledger } = failingOnce(
      ApplicationFailure.create({ type: 'PayloadTooLarge', message: 'too big', nonRetryable: true }),
    );
    const taskQueue = uniqueTaskQueue();
    const worker = await testWorker(env, activities, taskQueue);
    await worker.runUntil(async () => {
      const { handle } = await startClaim(env, taskQueue);
      await waitForStatus(handle, 'needs_attention');
      const status = await handle.executeUpdate(answerAttentionUpdate, {
        args: [{ action: 'close', why: 'customer asked to split the claim', actor: LEAD }],
      });
      expect(status).toBe('closed');
      expect(await handle.result()).toBe('closed');
      await expect(
        handle.executeUpdate(answerAttentionUpdate, { args: [{ action: 'retry', why: 'again', actor: LEAD }] }),
      ).rejects.toThrow();
    });
    expect(ledger.settled).toContainEqual({ release: true });
    expect(activities.settleDeadlines).toHaveBeenCalledWith(expect.objectContaining({ state: 'cancelled' }));
    expect(ledger.events.slice(-1)).toEqual(['closed_by_staff']);
    expect(ledger.credits + ledger.payouts).toBe(0);
  });
});
