import { MockActivityEnvironment } from '@temporalio/testing';
import type { CreditIssued } from '../../activities/remedies';
import type { Actor, DeadlineKind } from '../../common/claim';
import { approvedDecision, useActivityWorld, type ActivityWorld } from './activity-harness';

const currentWorld = useActivityWorld();
const activity = new MockActivityEnvironment();
let world: ActivityWorld;
beforeAll(() => {
  world = currentWorld();
});

const approved = approvedDecision;

async function rows(sql: string, params: unknown[]) {
  return (await world.db.query(sql, params)).rows;
}

describe('money steps are idempotent', () => {
  it('issues at most one credit per claim, however often and concurrently the activity runs', async () => {
    const claimId = await world.newClaim();
    const issue = (): Promise<CreditIssued> =>
      activity.run(world.activities.issueCredit, { claimId, decision: approved('credit') });
    const runs = await Promise.all(Array.from({ length: 5 }, issue));
    expect(new Set(runs.map((r) => r.creditId)).size).toBe(1);
    expect(
      await rows('SELECT amount_minor, idempotency_key FROM credits_issued WHERE claim_id = $1', [claimId]),
    ).toEqual([{ amount_minor: '300', idempotency_key: `claim:${claimId}:credit` }]);
  });

  it('records one payout and asks the processor with a key derived from the claim id, even after a crash', async () => {
    const claimId = await world.newClaim('billing_error');
    world.processor.failNext = true; // the processor call fails after the payout row was written
    await expect(
      activity.run(world.activities.requestPayout, { claimId, decision: approved('refund', 5000) }),
    ).rejects.toThrow('connection reset');
    const retried = await activity.run(world.activities.requestPayout, { claimId, decision: approved('refund', 5000) });
    const again = await activity.run(world.activities.requestPayout, { claimId, decision: approved('refund', 5000) });
    expect(again).toEqual(retried);
    const mine = world.processor.instructions.filter((i) => i.idempotencyKey === `claim:${claimId}:payout`);
    expect(mine).toHaveLength(2); // the failed attempt and its retry; the third run found the processor reference
    expect(mine.every((i) => i.paymentReference === 'pi_t' && i.amount.amountMinor === 5000)).toBe(true);
    expect(await rows('SELECT status, processor_ref FROM payouts WHERE claim_id = $1', [claimId])).toEqual([
      { status: 'pending', processor_ref: `re_claim:${claimId}:payout` },
    ]);
  });

  it('confirms a payout once and keeps who confirmed it; the same reference again is the same confirmation, another is refused', async () => {
    const claimId = await world.newClaim('billing_error');
    await activity.run(world.activities.requestPayout, { claimId, decision: approved('refund', 700) });
    const first = await activity.run(world.activities.confirmPayout, {
      claimId,
      processorReference: 're_manual',
      confirmedBy: 'finance:ana',
    });
    const again = await activity.run(world.activities.confirmPayout, {
      claimId,
      processorReference: 're_manual',
      confirmedBy: 'finance:bob',
    });
    expect(again).toEqual(first);
    await expect(
      activity.run(world.activities.confirmPayout, {
        claimId,
        processorReference: 're_other',
        confirmedBy: 'finance:bob',
      }),
    ).rejects.toMatchObject({ type: 'ConflictingAction', message: expect.stringContaining('re_manual') });
    expect(await rows('SELECT status, confirmed_by FROM payouts WHERE claim_id = $1', [claimId])).toEqual([
      { status: 'confirmed', confirmed_by: 'finance:ana' },
    ]);
  });
});

describe('the event log and notifications', () => {
  it('appends each transition once per event key and moves the case projection', async () => {
    const claimId = await world.newClaim();
    const transition = {
      claimId,
      eventKey: 'run1:1:checking',
      type: 'evidence_check_started',
      to: 'checking' as const,
      actor: { type: 'system' as const, id: 'wf' },
      why: 'test',
    };
    await activity.run(world.activities.recordTransition, transition);
    await activity.run(world.activities.recordTransition, transition);
    expect(
      await rows('SELECT type, from_status, to_status, actor_type FROM claim_events WHERE claim_id = $1', [claimId]),
    ).toEqual([
      { type: 'evidence_check_started', from_status: 'received', to_status: 'checking', actor_type: 'system' },
    ]);
    expect(await rows('SELECT status FROM claims WHERE id = $1', [claimId])).toEqual([{ status: 'checking' }]);
  });

  it('refuses to rewrite or delete history', async () => {
    const claimId = await world.newClaim();
    const system: Actor = { type: 'system', id: 'wf' };
    await activity.run(world.activities.recordTransition, {
      claimId,
      eventKey: 'k',
      type: 't',
      to: null,
      actor: system,
      why: 'w',
    });
    await expect(
      world.db.query('UPDATE claim_events SET why = $2 WHERE claim_id = $1', [claimId, 'edited']),
    ).rejects.toThrow('append-only');
    await expect(world.db.query('DELETE FROM claim_events WHERE claim_id = $1', [claimId])).rejects.toThrow(
      'append-only',
    );
  });

  it('mails the customer once per notification key, over real SMTP', async () => {
    const claimId = await world.newClaim();
    const input = { claimId, key: 'run1:1:acknowledgement', notice: { template: 'acknowledgement' as const } };
    await activity.run(world.activities.notifyCustomer, input);
    await activity.run(world.activities.notifyCustomer, input);
    await world.sink.waitFor((m) => m.text.includes(claimId));
    expect(world.sink.messages().filter((m) => m.text.includes(claimId))).toHaveLength(1);
  });
});

describe('business-day deadlines from the pinned policy', () => {
  it('plans the pixazo-api resolution deadline in New York business days', async () => {
    const claimId = await world.newClaim();
    // Submitted Friday 2026-11-20 15:00 New York. Mon 23, Tue 24, Wed 25, (Thanksgiving), Fri 27,
    // Mon 30, Tue 1, Wed 2, Thu 3, Fri 4, Mon 7 December: the 10th business day ends at 05:00 UTC on the 8th.
    const kinds: DeadlineKind[] = ['resolution'];
    const deadlines = await activity.run(world.activities.planDeadlines, { claimId, kinds });
    expect(deadlines).toEqual([
      {
        kind: 'resolution',
        businessDays: 10,
        clause: expect.stringContaining('5.3'),
        dueAt: '2026-12-08T04:59:59.999Z',
      },
    ]);
    expect(await rows('SELECT kind, state FROM claim_deadlines WHERE claim_id = $1', [claimId])).toEqual([
      { kind: 'resolution', state: 'open' },
    ]);
    await activity.run(world.activities.planDeadlines, { claimId, kinds }); // a retry of the same activity
    expect(
      await rows("SELECT actor_id, why FROM claim_events WHERE claim_id = $1 AND type = 'deadlines_planned'", [
        claimId,
      ]),
    ).toEqual([
      {
        actor_id: 'sla-clock',
        why: expect.stringContaining('resolution due 2026-12-08T04:59:59.999Z (10 business days'),
      },
    ]);
  });
});
