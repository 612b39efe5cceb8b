import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { ulid } from 'ulid';
import type { CreditActivities } from '../../activities';
import type { ExpiryResult } from '../../domain/credits';
import { ensureCreditExpirySchedule } from '../../server/credit-expiry-schedule';
import type { creditExpiryWorkflow } from '../../workflows';
import { createDevServerEnv, createTimeSkippingEnv } from '../support/temporal-env';
import { quietRuntime, workflowBundle } from '../workflows/workflow-harness';
import { creditWorld, DAY, remainingOf, type CreditWorld } from './credits-harness';

beforeAll(() => quietRuntime());

describe('creditExpiryWorkflow on the time-skipping server', () => {
  let env: TestWorkflowEnvironment;

  beforeAll(async () => {
    env = await createTimeSkippingEnv();
  });

  afterAll(async () => {
    await env?.teardown();
  });

  it("expires as of the workflow's start on the server clock, not the wall clock", async () => {
    const calls: { asOf: string }[] = [];
    // A stand-in with the real activity's signature.
    const expireCredits: CreditActivities['expireCredits'] = jest.fn(async ({ asOf }) => {
      calls.push({ asOf });
      return { asOf, expiredGrants: 2, expired: [{ amountMinor: 700, currency: 'USD' }] } satisfies ExpiryResult;
    });
    const taskQueue = `credit-expiry-test-${ulid()}`;
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      workflowBundle: await workflowBundle(),
      activities: { expireCredits },
    });
    const result = await worker.runUntil(async () => {
      await env.sleep('30 days'); // the schedule's next run, a month on
      const handle = await env.client.workflow.start<typeof creditExpiryWorkflow>('creditExpiryWorkflow', {
        taskQueue,
        workflowId: `credit-expiry-${ulid()}`,
        args: [],
      });
      const done = await handle.result();
      const { startTime } = await handle.describe();
      return { done, startTime };
    });
    expect(calls).toEqual([{ asOf: result.startTime.toISOString() }]);
    expect(result.startTime.getTime()).toBeGreaterThan(Date.now() + 29 * DAY);
    expect(result.done).toEqual({
      asOf: result.startTime.toISOString(),
      expiredGrants: 2,
      expired: [{ amountMinor: 700, currency: 'USD' }],
    });
  });
});

describe('the credit-expiry Temporal Schedule on the dev server', () => {
  let env: TestWorkflowEnvironment;
  let world: CreditWorld;

  beforeAll(async () => {
    env = await createDevServerEnv();
    world = await creditWorld();
  });

  afterAll(async () => {
    await env?.teardown();
    await world?.close();
  });

  it('is created once and updated in place at every start, and its run expires credit through the real activity', async () => {
    const scheduleId = `credit-expiry-test-${ulid()}`;
    const taskQueue = `credit-expiry-test-${ulid()}`;
    await ensureCreditExpirySchedule(env.client, { taskQueue: 'old-queue', scheduleId });
    await ensureCreditExpirySchedule(env.client, { taskQueue, scheduleId }); // a second start: no error, now on the new queue
    const handle = env.client.schedule.getHandle(scheduleId);
    try {
      const described = await handle.describe();
      expect(described.spec.intervals).toMatchObject([{ every: 3_600_000 }]);
      expect(described.action).toMatchObject({
        type: 'startWorkflow',
        workflowType: 'creditExpiryWorkflow',
        taskQueue,
      });
      expect(described.policies.overlap).toBe('SKIP');

      const accountId = await world.newAccount('pixazo-api');
      const expired = await world.grant(accountId, 'promotional', 400, new Date(Date.now() - 91 * DAY));
      const live = await world.grant(accountId, 'purchased', 600, new Date(Date.now() - DAY));
      const worker = await Worker.create({
        connection: env.nativeConnection,
        namespace: env.namespace ?? 'default',
        taskQueue,
        workflowBundle: await workflowBundle(),
        activities: world.activities,
      });
      const result = await worker.runUntil(async () => {
        await handle.trigger();
        const deadline = Date.now() + 20_000;
        for (;;) {
          const { info } = await handle.describe();
          const started = info.recentActions[0]?.action.workflow;
          if (started)
            return env.client.workflow
              .getHandle<typeof creditExpiryWorkflow>(started.workflowId, started.firstExecutionRunId)
              .result();
          if (Date.now() > deadline) throw new Error('the schedule did not start a workflow');
          await new Promise((r) => setTimeout(r, 100));
        }
      });
      expect(result.expiredGrants).toBeGreaterThanOrEqual(1);
      expect(await remainingOf(world.db, expired)).toBe(0);
      expect(await remainingOf(world.db, live)).toBe(600);
    } finally {
      await handle.delete();
    }
  });
});
