import { MockActivityEnvironment } from '@temporalio/testing';
import pino from 'pino';
import type { Deadline, DeadlineKind } from '../../common/claim';
import { listClaimEvents } from '../../db/events';
import { createDeskMetrics } from '../../metrics/desk-metrics';
import { startDeadlineSweep, type DeadlineSweep } from '../../worker/deadline-sweep';
import { useActivityWorld, type ActivityWorld } from '../activities/activity-harness';
import { parseExposition, valueOf } from './scrape';

const currentWorld = useActivityWorld();
const activity = new MockActivityEnvironment();
let world: ActivityWorld;
let sweep: DeadlineSweep;
beforeAll(() => {
  world = currentWorld();
  // A long interval: the tests run each round themselves.
  sweep = startDeadlineSweep({
    activityDeps: world.deps,
    logger: pino({ level: 'silent' }),
    settings: { intervalMs: 60_000 },
  });
});
afterAll(() => sweep.stop());

const REVIEW: DeadlineKind[] = ['review_warning', 'review', 'resolution'];
/** The claim workflow's backstop timer firing the same deadline. */
const workflowFires = (claimId: string, deadline: Deadline) =>
  activity.run(world.activities.alertStaff, {
    claimId,
    eventKey: `run:7:escalated`,
    template: deadline.kind === 'review_warning' ? ('review_warning' as const) : ('escalation' as const),
    audience: deadline.kind === 'payout' ? ('finance' as const) : ('lead' as const),
    deadline,
  });

const scrape = async () => parseExposition(await createDeskMetrics().scrape(world.db));
const firingsOf = async (claimId: string) =>
  (await listClaimEvents(world.db, claimId))
    .filter((e) => ['lead_warned', 'escalated_to_lead', 'escalated_to_finance'].includes(e.type))
    .map((e) => `${e.type}:${e.actor.id}`);
const mailsAbout = (claimId: string) => world.sink.messages().filter((m) => m.subject.includes(claimId));
/** The alerts go out in a loop of their own, which a firing round kicks: waits until `count` have arrived. */
async function alertsAbout(claimId: string, count: number) {
  await sweep.sendAlerts();
  for (let waited = 0; mailsAbout(claimId).length < count && waited < 5_000; waited += 50)
    await new Promise((r) => setTimeout(r, 50));
  return mailsAbout(claimId);
}
const deadlineRows = async (claimId: string) =>
  (
    await world.db.query<{ kind: string; state: string; fired_by: string | null; alerted: boolean }>(
      `SELECT kind, state, fired_by, alerted_at IS NOT NULL AS alerted FROM claim_deadlines WHERE claim_id = $1 ORDER BY kind`,
      [claimId],
    )
  ).rows;

describe('the deadline sweep', () => {
  it('fires due review deadlines once, as a warning and escalations naming their clause, and alerts the lead once each', async () => {
    const claimId = await world.newClaim();
    await world.moveClaim(claimId, 'in_review');
    const planned = await world.planDueDeadlines(claimId, REVIEW);
    // Operators see what waits for the sweep, and how late it is.
    const before = await scrape();
    expect(valueOf(before, 'refund_desk_deadlines_due_unfired')).toBe(3);
    expect(valueOf(before, 'refund_desk_deadline_sweep_lag_seconds')).toBeGreaterThan(86_400);

    expect(await sweep.fireDue()).toBe(3);
    expect(await firingsOf(claimId)).toEqual([
      'lead_warned:sla:review_warning',
      'escalated_to_lead:sla:review',
      'escalated_to_lead:sla:resolution',
    ]);
    const events = await listClaimEvents(world.db, claimId);
    const review = planned.find((d) => d.kind === 'review')!;
    expect(events.find((e) => e.type === 'escalated_to_lead')!.why).toContain(review.clause);
    const claim = await world.db.query('SELECT escalation_level, escalated_at FROM claims WHERE id = $1', [claimId]);
    expect(claim.rows[0]).toMatchObject({ escalation_level: 'lead', escalated_at: expect.any(Date) });

    expect(valueOf(await scrape(), 'refund_desk_deadlines_due_unfired')).toBe(0);
    expect(valueOf(await scrape(), 'refund_desk_deadline_sweep_lag_seconds')).toBe(0);
    const alerts = await alertsAbout(claimId, 3);
    expect(valueOf(await scrape(), 'refund_desk_staff_alerts_unsent')).toBe(0);
    expect(alerts.map((m) => m.subject.split(':')[0]).sort()).toEqual(['Escalated', 'Escalated', 'Warning']);
    expect(alerts.every((m) => m.to.includes('lead@test.example'))).toBe(true);
    expect(await deadlineRows(claimId)).toEqual([
      { kind: 'resolution', state: 'breached', fired_by: 'sweep', alerted: true },
      { kind: 'review', state: 'breached', fired_by: 'sweep', alerted: true },
      { kind: 'review_warning', state: 'open', fired_by: 'sweep', alerted: true },
    ]);

    // A minute later the claim workflow's own timer fires the same deadlines: nothing more is recorded or sent.
    for (const deadline of planned) await workflowFires(claimId, deadline);
    expect(await sweep.fireDue()).toBe(0);
    expect(await sweep.sendAlerts()).toBe(0);
    expect(await firingsOf(claimId)).toHaveLength(3);
    expect(mailsAbout(claimId)).toHaveLength(3);
  });

  it('leaves a deadline the claim workflow fired first, and fires the rest', async () => {
    const claimId = await world.newClaim();
    await world.moveClaim(claimId, 'in_review');
    const [, review] = await world.planDueDeadlines(claimId, REVIEW);
    await workflowFires(claimId, review!);

    await sweep.fireDue();
    expect(await alertsAbout(claimId, 3)).toHaveLength(3);
    expect((await firingsOf(claimId)).sort()).toEqual([
      'escalated_to_lead:sla:resolution',
      'escalated_to_lead:sla:review',
      'lead_warned:sla:review_warning',
    ]);
    expect((await deadlineRows(claimId)).find((d) => d.kind === 'review')).toMatchObject({ fired_by: 'workflow' });
  });

  it('fires nothing whose clock is paused or stopped, and a payout deadline to finance', async () => {
    const waiting = await world.newClaim();
    await world.moveClaim(waiting, 'awaiting_customer');
    await world.planDueDeadlines(waiting, REVIEW);
    const paying = await world.newClaim();
    await world.moveClaim(paying, 'awaiting_payout');
    await world.planDueDeadlines(paying, ['payout']);
    const decided = await world.newClaim();
    await world.moveClaim(decided, 'in_review');
    await world.planDueDeadlines(decided, REVIEW);
    await world.moveClaim(decided, 'closed');
    await world.db.query(`UPDATE claim_deadlines SET state = 'met' WHERE claim_id = $1`, [decided]);

    await sweep.fireDue();
    const alerts = await alertsAbout(paying, 1);
    expect(await firingsOf(waiting)).toEqual([]);
    expect(await firingsOf(decided)).toEqual([]);
    expect(await firingsOf(paying)).toEqual(['escalated_to_finance:sla:payout']);
    expect(alerts.map((m) => m.to)).toEqual([['finance@test.example']]);
    expect(mailsAbout(waiting)).toEqual([]);
  });

  it('fires each deadline once when several sweeps run at the same time', async () => {
    const claims = await Promise.all(Array.from({ length: 40 }, () => world.newClaim()));
    for (const claimId of claims) {
      await world.moveClaim(claimId, 'in_review');
      await world.planDueDeadlines(claimId, REVIEW);
    }
    const others = Array.from({ length: 3 }, () =>
      startDeadlineSweep({
        activityDeps: world.deps,
        logger: pino({ level: 'silent' }),
        settings: { intervalMs: 60_000, batchSize: 7 },
      }),
    );
    try {
      const fired = await Promise.all([sweep, ...others].map((s) => s.fireDue()));
      expect(fired.reduce((a, b) => a + b, 0)).toBe(claims.length * 3);
      await Promise.all([sweep, ...others].map((s) => s.sendAlerts()));
    } finally {
      await Promise.all(others.map((s) => s.stop()));
    }
    for (const claimId of claims) {
      expect(await firingsOf(claimId)).toHaveLength(3);
      expect(await alertsAbout(claimId, 3)).toHaveLength(3);
    }
  });
});
