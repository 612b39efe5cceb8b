import { MockActivityEnvironment } from '@temporalio/testing';
import type { Deadline, Decision } from '../../common/claim';
import { createDb } from '../../db';
import { createDeskMetrics } from '../../metrics/desk-metrics';
import { useActivityWorld, type ActivityWorld } from '../activities/activity-harness';
import { parseExposition, seriesOf, valueOf } from './scrape';

const currentWorld = useActivityWorld();
const activity = new MockActivityEnvironment();
let world: ActivityWorld;
beforeAll(() => {
  world = currentWorld();
});

const escalate = (claimId: string, deadline: Deadline, audience: 'lead' | 'finance') =>
  activity.run(world.activities.alertStaff, {
    claimId,
    eventKey: `test:escalated:${deadline.kind}`,
    template: 'escalation' as const,
    audience,
    deadline,
  });
const refund = (amountMinor: number): Decision => ({
  outcome: 'approved',
  amount: { amountMinor, currency: 'USD' },
  remedy: 'refund',
  reasons: [],
  arithmetic: [],
  findings: [],
  decidedBy: { type: 'staff', id: 'lead' },
  policy: { id: 'pixazo-api', version: 'x' },
});

describe('claim figures read from PostgreSQL at scrape time', () => {
  it('count overdue and escalated open cases, breached deadlines and payouts awaiting finance, through the real activities', async () => {
    // Escalated to the lead at its review deadline, and still in review: overdue.
    const escalated = await world.newClaim();
    await world.moveClaim(escalated, 'in_review');
    const review = (await world.planDueDeadlines(escalated, ['review_warning', 'review', 'resolution'])).find(
      (d) => d.kind === 'review',
    )!;
    await escalate(escalated, review, 'lead');
    // Only its early warning is past: not overdue.
    const warned = await world.newClaim();
    await world.moveClaim(warned, 'in_review');
    await world.planDueDeadlines(warned, ['review_warning']);
    // A refund finance has not confirmed yet.
    const payout = await world.newClaim('billing_error');
    await activity.run(world.activities.requestPayout, { claimId: payout, decision: refund(500) });
    await world.moveClaim(payout, 'awaiting_payout');
    // Escalated to finance, then closed: its breach counts, the escalation no longer does.
    const closed = await world.newClaim();
    const [payoutDeadline] = await world.planDueDeadlines(closed, ['payout']);
    await escalate(closed, payoutDeadline!, 'finance');
    await world.moveClaim(closed, 'closed');
    // The customer never replied.
    const abandoned = await world.newClaim();
    await world.planDueDeadlines(abandoned, ['customer_reply']);
    await activity.run(world.activities.settleDeadlines, {
      claimId: abandoned,
      kinds: ['customer_reply' as const],
      state: 'breached' as const,
    });
    await world.moveClaim(abandoned, 'abandoned');

    const samples = parseExposition(await createDeskMetrics().scrape(world.db));
    expect(valueOf(samples, 'refund_desk_overdue_cases')).toBe(1);
    expect(seriesOf(samples, 'refund_desk_escalated_cases')).toEqual({ 'level=lead': 1, 'level=finance': 0 });
    expect(seriesOf(samples, 'refund_desk_sla_breaches_total')).toEqual({
      'deadline=review': 1,
      'deadline=resolution': 0,
      'deadline=payout': 1,
      'deadline=customer_reply': 1,
    });
    expect(valueOf(samples, 'refund_desk_open_cases', { status: 'in_review' })).toBe(2);
    expect(valueOf(samples, 'refund_desk_open_cases', { status: 'awaiting_payout' })).toBe(1);
    expect(valueOf(samples, 'refund_desk_open_cases', { status: 'received' })).toBe(0);
    expect(valueOf(samples, 'refund_desk_payouts_awaiting_confirmation_minor_units', { currency: 'USD' })).toBe(500);
    const age = valueOf(samples, 'refund_desk_payout_awaiting_confirmation_oldest_age_seconds', { currency: 'USD' })!;
    expect(age).toBeGreaterThanOrEqual(0);
    expect(age).toBeLessThan(600);
    expect(seriesOf(samples, 'refund_desk_claims_received_total')).toEqual({ 'policy=pixazo-api,channel=api': 5 });
  });

  it('keeps running totals equal to a recount of the rows, however often an activity is retried', async () => {
    const decided = await world.newClaim('billing_error');
    const record = (decision: Decision) =>
      activity.run(world.activities.recordDecision, {
        claimId: decided,
        eventKey: 'test:decided',
        decision,
        to: 'approved' as const,
      });
    await record(refund(700));
    await record(refund(700)); // a retry
    await record({ ...refund(600), outcome: 'partially_approved' }); // a decision replaced: counted under its new outcome only
    await activity.run(world.activities.requestPayout, { claimId: decided, decision: refund(600) });
    for (let i = 0; i < 2; i++) {
      await activity.run(world.activities.confirmPayout, {
        claimId: decided,
        processorReference: 're_t',
        confirmedBy: 'finance:ana',
      });
    }
    const credited = await world.newClaim();
    for (let i = 0; i < 2; i++)
      await activity.run(world.activities.issueCredit, {
        claimId: credited,
        decision: { ...refund(250), remedy: 'credit' as const },
      });

    const tallies = await world.db.query(
      `SELECT metric, labels, sum(value)::int AS value FROM claim_tallies GROUP BY metric, labels`,
    );
    const recount = await world.db.query(`
      SELECT metric, labels, value::int FROM (
        SELECT 'claims_received' AS metric, jsonb_build_object('policy', policy_id, 'channel', channel) AS labels, count(*) AS value FROM claims GROUP BY 1, 2
        UNION ALL SELECT 'decisions', jsonb_build_object('policy', policy_id, 'outcome', decision->>'outcome',
                    'decided_by', CASE WHEN decision->'decidedBy'->>'type' = 'staff' THEN 'staff' ELSE 'engine' END), count(*)
                    FROM claims WHERE decision IS NOT NULL GROUP BY 1, 2
        UNION ALL SELECT 'sla_breaches', jsonb_build_object('deadline', kind), count(*) FROM claim_deadlines WHERE state = 'breached' GROUP BY 1, 2
        UNION ALL SELECT 'credits_issued_minor', jsonb_build_object('currency', currency), sum(amount_minor) FROM credits_issued GROUP BY 1, 2
        UNION ALL SELECT 'refunds_paid_minor', jsonb_build_object('currency', currency), sum(amount_minor) FROM payouts WHERE status = 'confirmed' GROUP BY 1, 2
      ) r WHERE value <> 0`);
    const sorted = (rows: { metric: string; labels: object; value: number }[]) =>
      rows
        .filter((r) => r.value !== 0)
        .map((r) => `${r.metric} ${JSON.stringify(r.labels)} ${r.value}`)
        .sort();
    expect(sorted(tallies.rows)).toEqual(sorted(recount.rows));
    const samples = parseExposition(await createDeskMetrics().scrape(world.db));
    expect(seriesOf(samples, 'refund_desk_decisions_total')).toEqual({
      'policy=pixazo-api,outcome=partially_approved,decided_by=staff': 1,
    });
    expect(seriesOf(samples, 'refund_desk_refunds_paid_minor_units_total')).toEqual({ 'currency=USD': 600 });
    expect(seriesOf(samples, 'refund_desk_credits_issued_minor_units_total')).toEqual({ 'currency=USD': 250 });
  });

  it('says when the database cannot be read, and still serves the process metrics', async () => {
    const unreachable = createDb('postgres://refund_desk@127.0.0.1:1/nowhere', 1); // nothing listens on port 1
    const samples = parseExposition(await createDeskMetrics().scrape(unreachable));
    await unreachable.end();
    expect(valueOf(samples, 'refund_desk_claim_figures_up')).toBe(0);
    expect(seriesOf(samples, 'refund_desk_open_cases')).toEqual({});
    expect(samples.some((s) => s.name === 'process_cpu_user_seconds_total')).toBe(true);
  });
});
