import type { WorkflowHandle } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { defaultPayloadConverter } from '@temporalio/common';
import type { temporal } from '@temporalio/proto';
import type { Assessment } from '../../common/claim';
import { CLAIM_WORKFLOW_TYPE, claimWorkflowId } from '../../common/ids';
import { ClaimStatusAttribute } from '../../common/search-attributes';
import {
  confirmPayoutUpdate,
  customerReplyUpdate,
  decideUpdate,
  requestInfoUpdate,
  withdrawUpdate,
} from '../../common/messages';
import { loadPolicyPacks } from '../../domain/policy';
import { createTimeSkippingEnv } from '../support/temporal-env';
import { fakeActivities, type TestSla } from './fake-activities';
import { pixazoAssessment } from './pixazo-scenarios';
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

const NEW_YORK = loadPolicyPacks().get('pixazo-api')!.pack.calendar; // America/New_York, US federal holidays
const SLA: TestSla = {
  calendar: NEW_YORK,
  businessDays: { review_warning: 5, review: 7, resolution: 10, payout: 10, customer_reply: 10 },
};
const HOUR = 3_600_000;

/** The RefundClaimStatus values a run upserted, in order, read from its history. */
function publishedStatuses(history: temporal.api.history.v1.IHistory): unknown[] {
  const converter = defaultPayloadConverter;
  return (history.events ?? [])
    .map((e) => e.upsertWorkflowSearchAttributesEventAttributes?.searchAttributes?.indexedFields?.RefundClaimStatus)
    .filter((payload) => payload != null)
    .map((payload) => converter.fromPayload(payload!));
}
const SUITE = 'claim workflow on the time-skipping server';

let env: TestWorkflowEnvironment;

beforeAll(async () => {
  quietRuntime();
  env = await createTimeSkippingEnv();
  await registerClaimSearchAttributes(env);
});

afterAll(async () => {
  await env?.teardown();
});

async function run<T>(
  assessments: Assessment[],
  body: (ctx: Awaited<ReturnType<typeof setup>>) => Promise<T>,
  sla = SLA,
) {
  const ctx = await setup(assessments, sla);
  const result = await ctx.worker.runUntil(body(ctx));
  await recordHistoriesIfAsked(SUITE, ctx.handles);
  return result;
}

async function setup(assessments: Assessment[], sla: TestSla) {
  const taskQueue = uniqueTaskQueue();
  const fake = fakeActivities(assessments, sla, () => env.currentTimeMs());
  const worker = await testWorker(env, fake.activities, taskQueue);
  const handles: WorkflowHandle[] = [];
  const start = async (type?: Parameters<typeof startClaim>[2]) => {
    const started = await startClaim(env, taskQueue, type);
    handles.push(started.handle);
    return started;
  };
  return { ...fake, worker, taskQueue, handles, start };
}

describe(SUITE, () => {
  it('approves a claim of 5xx calls automatically and credits it once', async () => {
    const { ledger } = await run([pixazoAssessment('two_5xx')], async ({ start, ledger }) => {
      const { handle } = await start();
      expect(await handle.result()).toBe('closed');
      return { ledger };
    });
    expect(ledger.decisions[0]).toMatchObject({
      outcome: 'approved',
      remedy: 'credit',
      amount: { amountMinor: 240, currency: 'USD' },
    });
    expect(ledger.decisions[0]!.reasons.map((r) => r.clause)).toContain('§5.2');
    expect(ledger.credits).toBe(1);
    expect(ledger.payouts).toBe(0);
    expect(ledger.statuses).toEqual(['checking', 'approved', 'closed']);
    expect(ledger.notices).toEqual(['acknowledgement', 'decision', 'money_sent']);
  });

  it('still carries a claim started as the frozen claimWorkflow type to its credit, with its own steps', async () => {
    const { ledger, activities } = await run([pixazoAssessment('two_5xx')], async (ctx) => {
      const { handle } = await ctx.start('claimWorkflow');
      expect(await handle.result()).toBe('closed');
      return ctx;
    });
    expect(ledger.credits).toBe(1);
    expect(ledger.notices).toEqual(['acknowledgement', 'decision', 'money_sent']);
    expect(activities.recordDecision).toHaveBeenCalledTimes(1);
    expect(activities.moveClaim).not.toHaveBeenCalled();
  });

  it('still runs a claim started before flow revisions with the steps it recorded, one move at a time', async () => {
    const { ledger, activities, history } = await run([pixazoAssessment('two_5xx')], async (ctx) => {
      const claimId = `clm_before_revisions_${ctx.taskQueue.slice(-8)}`;
      const handle = await env.client.workflow.start(CLAIM_WORKFLOW_TYPE, {
        taskQueue: ctx.taskQueue,
        workflowId: claimWorkflowId(claimId),
        args: [{ claimId }],
      });
      ctx.handles.push(handle);
      expect(await handle.result()).toBe('closed');
      return { ...ctx, history: await handle.fetchHistory() };
    });
    expect(ledger.credits).toBe(1);
    expect(ledger.statuses).toEqual(['checking', 'approved', 'closed']);
    expect(activities.openEvidenceCheck).not.toHaveBeenCalled();
    expect(activities.sendMailsThenMove).not.toHaveBeenCalled();
    expect(activities.issueCredit).toHaveBeenCalledTimes(1);
    expect(publishedStatuses(history)).toEqual(['checking', 'approved', 'closed']);
  });

  it('publishes to Temporal’s search the status a claim rests in, not the moves it passes through', async () => {
    const history = await run([needsReview()], async ({ start }) => {
      const { handle } = await start();
      await waitForStatus(handle, 'in_review');
      expect((await handle.describe()).typedSearchAttributes.get(ClaimStatusAttribute)).toBe('in_review');
      await handle.executeUpdate(decideUpdate, { args: [{ outcome: 'approved', remedy: 'credit', actor: LEAD }] });
      expect(await handle.result()).toBe('closed');
      expect((await handle.describe()).typedSearchAttributes.get(ClaimStatusAttribute)).toBe('closed');
      return handle.fetchHistory();
    });
    expect(publishedStatuses(history)).toEqual(['in_review', 'closed']);
  });

  it.each([
    ['4xx calls only', 'only_4xx', '§5.2'],
    ['a claim out of its 14-day window', 'out_of_window', '§5.3'],
  ] as const)('denies %s, citing the clause', async (_label, scenario, clause) => {
    const { ledger } = await run([pixazoAssessment(scenario)], async ({ start, ledger }) => {
      const { handle } = await start();
      expect(await handle.result()).toBe('denied');
      return { ledger };
    });
    const decision = ledger.decisions[0]!;
    expect(decision.outcome).toBe('denied');
    expect(decision.amount.amountMinor).toBe(0);
    expect(decision.reasons.map((r) => r.clause)).toContain(clause);
    expect(ledger.credits + ledger.payouts).toBe(0);
    expect(ledger.notices).toEqual(['acknowledgement', 'decision']);
  });

  it('lets a lead decide a claim in review before its deadline', async () => {
    const { ledger } = await run([needsReview()], async ({ start, ledger }) => {
      const { handle } = await start();
      await waitForStatus(handle, 'in_review');
      await env.sleep('2 days');
      const decision = await handle.executeUpdate(decideUpdate, {
        args: [
          { outcome: 'partially_approved', amountMinor: 120, remedy: 'credit', note: 'one call verified', actor: LEAD },
        ],
      });
      expect(decision.decidedBy).toEqual(LEAD);
      expect(await handle.result()).toBe('closed');
      return { ledger };
    });
    expect(ledger.alerts).toEqual([]);
    expect(ledger.decisions[0]).toMatchObject({ outcome: 'partially_approved', amount: { amountMinor: 120 } });
    expect(ledger.credits).toBe(1);
  });

  it('warns the lead, then escalates at the deadline, counting business days across a weekend and Thanksgiving', async () => {
    // Submitted Friday 2026-11-20 15:00 New York time; Thursday 26 November is Thanksgiving.
    const sla: TestSla = { ...SLA, countFrom: '2026-11-20T20:00:00Z' };
    const { ledger, startedAtMs } = await run(
      [needsReview()],
      async ({ start, ledger, startedAtMs }) => {
        const { handle } = await start();
        await waitForStatus(handle, 'in_review');
        await env.sleep('9 days');
        expect(ledger.alerts).toEqual([]);
        await env.sleep('2 days'); // past the end of Monday 30 November: 5 business days
        expect(ledger.alerts.map((a) => a.template)).toEqual(['review_warning']);
        await env.sleep('2 days'); // past the end of Wednesday 2 December: 7 business days
        expect(ledger.alerts.map((a) => a.template)).toEqual(['review_warning', 'escalation']);
        await handle.executeUpdate(decideUpdate, {
          args: [{ outcome: 'denied', remedy: 'none', note: 'not verified', actor: LEAD }],
        });
        expect(await handle.result()).toBe('denied');
        return { ledger, startedAtMs };
      },
      sla,
    );
    const [warning, escalation] = ledger.alerts;
    // Mon 23, Tue 24, Wed 25, (Thu 26 holiday), Fri 27, Mon 30 = 5; Tue 1, Wed 2 = 7; end of day, EST.
    expect(warning!.deadline.businessDays).toBe(5);
    expect(escalation!.deadline.businessDays).toBe(7);
    expect(escalation!.audience).toBe('lead');
    const submittedMs = startedAtMs()!;
    const warnAfter = Date.parse('2026-12-01T04:59:59.999Z') - Date.parse('2026-11-20T20:00:00Z');
    const escalateAfter = Date.parse('2026-12-03T04:59:59.999Z') - Date.parse('2026-11-20T20:00:00Z');
    expect(Math.abs(warning!.firedAtMs - submittedMs - warnAfter)).toBeLessThan(HOUR);
    expect(Math.abs(escalation!.firedAtMs - submittedMs - escalateAfter)).toBeLessThan(HOUR);
  });

  it('pauses the SLA while awaiting the customer, then abandons the claim without a reply', async () => {
    const missing: Assessment = { kind: 'needs_info', missing: ['request_ids'], why: [] };
    const { ledger } = await run([missing], async ({ start, ledger }) => {
      const { handle } = await start();
      await waitForStatus(handle, 'awaiting_customer');
      expect(await handle.result()).toBe('abandoned');
      return { ledger };
    });
    expect(ledger.statuses).toEqual(['checking', 'awaiting_customer', 'abandoned']);
    expect(ledger.notices).toEqual(['acknowledgement', 'info_request', 'abandoned']);
    expect(ledger.alerts).toEqual([]); // review timers did not run while the claim waited on the customer
  });

  it('shifts the review deadlines by the business days the customer took to reply', async () => {
    const missing: Assessment = { kind: 'needs_info', missing: ['request_ids'], why: [] };
    const sla: TestSla = { ...SLA, countFrom: '2026-11-20T20:00:00Z' };
    const { ledger } = await run(
      [missing, needsReview()],
      async ({ start, ledger }) => {
        const { handle } = await start();
        await waitForStatus(handle, 'awaiting_customer');
        const before = ledger.deadlines.get('review')!.dueAt;
        await env.sleep('3 days'); // Fri 20 → Mon 23: one business day passes
        await handle.executeUpdate(customerReplyUpdate, { args: [{ requestIds: ['req_1'] }] });
        await waitForStatus(handle, 'in_review');
        const after = ledger.deadlines.get('review')!.dueAt;
        await handle.executeUpdate(withdrawUpdate, { args: [{ why: 'resolved elsewhere' }] });
        expect(await handle.result()).toBe('withdrawn');
        return { ledger: { ...ledger, before, after } };
      },
      sla,
    );
    // 7 business days from Fri 20 Nov end on Wed 2 Dec; one paused business day moves it to Thu 3 Dec.
    expect(Date.parse(ledger.after) - Date.parse(ledger.before)).toBe(24 * HOUR);
  });

  it('escalates a refund payout to finance when it is not confirmed in time', async () => {
    const refund: Assessment = { kind: 'decided', decision: proposal({ remedy: 'refund' }) };
    const { ledger } = await run([refund], async ({ start, ledger }) => {
      const { handle } = await start();
      await waitForStatus(handle, 'awaiting_payout');
      await env.sleep('21 days'); // 10 business days never span more than 18 calendar days

      expect(ledger.alerts.map((a) => `${a.template}:${a.audience}`)).toEqual(['escalation:finance']);
      await handle.executeUpdate(confirmPayoutUpdate, { args: [{ processorReference: 're_123', actor: FINANCE }] });
      expect(await handle.result()).toBe('closed');
      return { ledger };
    });
    expect(ledger.payouts).toBe(1);
    expect(ledger.alerts[0]!.deadline.kind).toBe('payout');
    expect(ledger.notices).toEqual(['acknowledgement', 'decision', 'money_sent']);
  });

  it('lets support ask the customer for information, then returns the claim to review when they reply', async () => {
    const { ledger } = await run([needsReview(), needsReview()], async ({ start, ledger }) => {
      const { handle } = await start();
      await waitForStatus(handle, 'in_review');
      const asked = await handle.executeUpdate(requestInfoUpdate, {
        args: [{ message: 'Which invoice was this?', actor: LEAD }],
      });
      expect(asked).toBe('awaiting_customer');
      await handle.executeUpdate(customerReplyUpdate, { args: [{ invoiceNumber: 'INV-7', message: 'INV-7' }] });
      await waitForStatus(handle, 'in_review');
      await handle.executeUpdate(decideUpdate, { args: [{ outcome: 'approved', remedy: 'credit', actor: LEAD }] });
      expect(await handle.result()).toBe('closed');
      return { ledger };
    });
    expect(ledger.statuses).toEqual([
      'checking',
      'in_review',
      'awaiting_customer',
      'checking',
      'in_review',
      'approved',
      'closed',
    ]);
    expect(ledger.notices).toEqual(['acknowledgement', 'in_review', 'info_request', 'decision', 'money_sent']);
  });

  it('refuses a withdrawal once the remedy is under way', async () => {
    const refund: Assessment = { kind: 'decided', decision: proposal({ remedy: 'refund' }) };
    await run([refund], async ({ start }) => {
      const { handle } = await start();
      await waitForStatus(handle, 'awaiting_payout');
      await expect(handle.executeUpdate(withdrawUpdate, { args: [{}] })).rejects.toMatchObject({
        cause: { type: 'ClaimNotInExpectedState' },
      });
      await handle.executeUpdate(confirmPayoutUpdate, { args: [{ processorReference: 're_9', actor: FINANCE }] });
      expect(await handle.result()).toBe('closed');
    });
  });

  it('lets the customer withdraw a claim in review', async () => {
    const { ledger } = await run([needsReview()], async ({ start, ledger }) => {
      const { handle } = await start();
      await waitForStatus(handle, 'in_review');
      expect(await handle.executeUpdate(withdrawUpdate, { args: [{ why: 'changed my mind' }] })).toBe('withdrawn');
      expect(await handle.result()).toBe('withdrawn');
      return { ledger };
    });
    expect(ledger.statuses.at(-1)).toBe('withdrawn');
    expect(ledger.credits + ledger.payouts).toBe(0);
    expect(ledger.notices).toEqual(['acknowledgement', 'in_review', 'withdrawn']);
  });

  it('refuses a decision on a claim that is not in review', async () => {
    await run([needsReview()], async ({ start }) => {
      const { handle } = await start();
      await waitForStatus(handle, 'in_review');
      await handle.executeUpdate(withdrawUpdate, { args: [{}] });
      await expect(
        handle.executeUpdate(decideUpdate, { args: [{ outcome: 'approved', remedy: 'credit', actor: LEAD }] }),
      ).rejects.toMatchObject({
        cause: { type: 'ClaimClosed', message: expect.stringMatching(/is closed as withdrawn/) },
      });
    });
  });
});
