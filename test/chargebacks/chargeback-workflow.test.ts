import type { TestWorkflowEnvironment } from '@temporalio/testing';
import {
  acceptDisputeUpdate,
  contestDisputeUpdate,
  reinstateAccountUpdate,
  terminateAccountUpdate,
} from '../../common/chargeback';
import { consumeCredits, creditStatement } from '../../db/credits';
import { getAccountView } from '../../db/account-status';
import { getChargeback } from '../../db/chargebacks';
import { CreditRefusal } from '../../domain/credits';
import { createTimeSkippingEnv } from '../support/temporal-env';
import { quietRuntime } from '../workflows/workflow-harness';
import { chargebackWorld, recordChargebackHistory, type ChargebackWorld } from './chargeback-world';

const LEAD = { type: 'staff' as const, id: 'lead:test' };
const HOUR = 3_600_000;

let env: TestWorkflowEnvironment;
let world: ChargebackWorld;

beforeAll(async () => {
  quietRuntime();
  env = await createTimeSkippingEnv();
  world = await chargebackWorld(env);
});

afterAll(async () => {
  await world?.close();
  await env?.teardown();
});

const run = <T>(body: () => Promise<T>) => world.run(body);

describe('chargeback workflow on the time-skipping server', () => {
  it('suspends the account at once under imaginator §7, tells the customer citing the clause, and reinstates it on a win', async () => {
    const p = await world.purchase('imaginator');
    await run(async () => {
      await world.send(p, 'created');
      await world.waitFor(p, (s) => s.accountStatus === 'suspended', 'suspended');
      const account = await getAccountView(world.db, p.accountId);
      expect(account).toMatchObject({ status: 'suspended', statusClause: '§7', statusChargebackId: p.chargebackId });
      const mail = await world.waitForMail(`${p.accountId.slice(5)}@customer.example`, /suspended/);
      expect(mail.text).toContain('§7');
      expect(mail.text).toContain('contact support');

      await world.send(p, 'closed', { processorStatus: 'won', at: new Date(Date.now() + 1000) });
      expect(await world.handle(p).result()).toBe('closed');
      await recordChargebackHistory('imaginator-suspended-then-won', world.handle(p));
    });
    expect((await getAccountView(world.db, p.accountId))!.status).toBe('active');
    const types = (await world.events(p)).map((e) => e.type);
    expect(types).toEqual(
      expect.arrayContaining(['opened', 'account_suspended', 'account_active', 'dispute_won', 'closed']),
    );
    expect((await getChargeback(world.db, p.chargebackId))!.evidence?.usage?.requests).toBe(30);
  });

  it('holds disputed credits under apiany, refuses to spend them, and deducts them when the dispute is lost', async () => {
    const p = await world.purchase('apiany', { credits: 5000 });
    await run(async () => {
      await world.send(p, 'created');
      await world.waitFor(p, (s) => s.creditsHeld, 'credits held');
      const statement = await creditStatement(world.db, p.accountId);
      expect(statement!.balances[0]).toMatchObject({ balanceMinor: 5000, availableMinor: 0 });
      await expect(
        consumeCredits(world.db, p.accountId, { amountMinor: 100, currency: 'USD' }, 'spend-while-held', 'a call'),
      ).rejects.toBeInstanceOf(CreditRefusal);

      await world.send(p, 'closed', { processorStatus: 'lost', at: new Date(Date.now() + 1000) });
      await world.waitFor(p, (s) => s.status === 'lost', 'lost');
      const after = await creditStatement(world.db, p.accountId);
      expect(after!.balances[0]).toMatchObject({ balanceMinor: 0, availableMinor: 0 });
      expect(after!.movements.at(-1)).toMatchObject({
        kind: 'adjust',
        amountMinor: -5000,
        operation: `chargeback:${p.chargebackId}:deduct`,
      });

      await world
        .handle(p)
        .executeUpdate(terminateAccountUpdate, { args: [{ why: 'abusive chargeback', actor: LEAD }] });
      expect(await world.handle(p).result()).toBe('closed');
      await recordChargebackHistory('apiany-held-lost-terminated', world.handle(p));
    });
    expect((await getAccountView(world.db, p.accountId))!).toMatchObject({
      status: 'terminated',
      statusReason: 'abusive chargeback',
    });
    const steps = (await world.events(p)).filter((e) => e.to).map((e) => e.to);
    expect(steps).toEqual(['open', 'lost', 'closed']);
  });

  it('releases held credits and reinstates the account on a won dispute', async () => {
    const p = await world.purchase('apiany', { credits: 5000 });
    await run(async () => {
      await world.send(p, 'created');
      await world.waitFor(p, (s) => s.creditsHeld && s.accountStatus === 'suspended', 'held and suspended');
      await world.handle(p).executeUpdate(contestDisputeUpdate, {
        args: [{ actor: LEAD, evidence: { product_description: 'API credits' } }],
      });
      await world.send(p, 'updated', { processorStatus: 'under_review', at: new Date(Date.now() + 1000) });
      await world.send(p, 'closed', { processorStatus: 'won', at: new Date(Date.now() + 2000) });
      expect(await world.handle(p).result()).toBe('closed');
      await recordChargebackHistory('apiany-contested-won', world.handle(p));
    });
    const statement = await creditStatement(world.db, p.accountId);
    expect(statement!.balances[0]).toMatchObject({ balanceMinor: 5000, availableMinor: 5000 });
    expect((await getAccountView(world.db, p.accountId))!.status).toBe('active');
    const record = await getChargeback(world.db, p.chargebackId);
    expect(record!.evidenceSubmission).toMatchObject({
      receipt: { adapter: 'manual', submitted: false },
      edited: ['product_description'],
    });
    expect((await world.events(p)).filter((e) => e.to).map((e) => e.to)).toEqual([
      'open',
      'contest_pending',
      'won',
      'closed',
    ]);
  });

  it('leaves suspension to a person under pixazo-api and alerts the lead', async () => {
    const p = await world.purchase('pixazo-api', { credits: 5000 });
    await run(async () => {
      await world.send(p, 'created');
      await world.waitFor(p, (s) => s.accountStatus === 'active' && s.deadlines.length === 3, 'opened');
      const events = await world.events(p);
      expect(events.find((e) => e.type === 'suspension_decision_needed')).toMatchObject({ clause: '§9.2' });
      expect((await getAccountView(world.db, p.accountId))!.status).toBe('active');
      expect((await creditStatement(world.db, p.accountId))!.balances[0]!.availableMinor).toBe(5000);
      await world
        .handle(p)
        .executeUpdate(acceptDisputeUpdate, { args: [{ why: 'the customer was double charged', actor: LEAD }] });
      await world.send(p, 'closed', { processorStatus: 'lost', at: new Date(Date.now() + 1000) });
      await world.waitFor(p, (s) => s.status === 'lost', 'lost');
      await world.handle(p).executeUpdate(reinstateAccountUpdate, { args: [{ why: 'keep the account', actor: LEAD }] });
      expect(await world.handle(p).result()).toBe('closed');
      await recordChargebackHistory('pixazo-accepted-lost-kept', world.handle(p));
    });
    expect((await world.events(p)).filter((e) => e.to).map((e) => e.to)).toEqual([
      'open',
      'accepted',
      'lost',
      'closed',
    ]);
  });

  it('warns the lead, escalates a day before, and records a missed deadline at due_by; an update moves the timers', async () => {
    const p = await world.purchase('imaginator');
    // The time-skipping server's clock has moved on with earlier tests: deadlines count from its now.
    const dueBy = new Date((await env.currentTimeMs()) + 5 * 24 * HOUR);
    await run(async () => {
      await world.send(p, 'created', { dueBy: dueBy.toISOString() });
      await world.waitFor(p, (s) => s.deadlines.length === 3, 'deadlines planned');
      const moved = new Date(dueBy.getTime() + 2 * 24 * HOUR);
      await world.send(p, 'updated', { dueBy: moved.toISOString(), at: new Date(Date.now() + 1000) });
      const s = await world.waitFor(p, (x) => x.dueBy === moved.toISOString(), 'due_by moved');
      expect(s.deadlines.find((d) => d.kind === 'evidence_due')!.dueAt).toBe(moved.toISOString());

      // Warning 72 h before the moved due_by (day 4), escalation 24 h before (day 6), the deadline itself on day 7.
      await env.sleep(4 * 24 * HOUR + 60_000);
      await world.waitForEvent(p, 'evidence_deadline_warning');
      expect((await world.events(p)).map((e) => e.type)).not.toContain('evidence_deadline_escalated');
      await env.sleep(2 * 24 * HOUR);
      await world.waitForEvent(p, 'evidence_deadline_escalated');
      expect((await world.events(p)).map((e) => e.type)).not.toContain('evidence_deadline_missed');
      await env.sleep(24 * HOUR);
      await world.waitFor(p, (x) => x.escalations.includes('evidence_due:admin'), 'escalated to admin');
      await recordChargebackHistory('imaginator-deadlines-moved-missed', world.handle(p));
    });
    const events = await world.events(p);
    expect(events.filter((e) => e.type === 'evidence_deadline_warning')).toHaveLength(1);
    expect(events.find((e) => e.type === 'evidence_deadline_missed')).toMatchObject({
      actor: 'timer:chargeback:evidence_due',
      clause: '§7',
    });
    expect(events.find((e) => e.type === 'escalated_to_admin')).toBeDefined();
  });

  it('converges when closed arrives before created, and when two updates arrive swapped', async () => {
    const p = await world.purchase('imaginator');
    const t0 = Date.now();
    await run(async () => {
      await world.send(p, 'closed', { processorStatus: 'lost', at: new Date(t0 + 3000) });
      await world.send(p, 'created', { at: new Date(t0) });
      await world.waitFor(p, (s) => s.status === 'lost', 'lost');
      await recordChargebackHistory('imaginator-closed-before-created', world.handle(p));
    });
    const record = await getChargeback(world.db, p.chargebackId);
    expect(record).toMatchObject({ processorStatus: 'lost', outcome: 'lost', status: 'lost' });
    // The dispute was over before the case opened: no stance is applied after the fact.
    expect((await getAccountView(world.db, p.accountId))!.status).toBe('active');

    const q = await world.purchase('sora2-api');
    await run(async () => {
      await world.send(q, 'created', { at: new Date(t0) });
      await world.send(q, 'updated', { processorStatus: 'under_review', dueBy: null, at: new Date(t0 + 2000) });
      await world.send(q, 'updated', { processorStatus: 'needs_response', at: new Date(t0 + 1000) });
      await world.waitFor(q, (s) => s.processorStatus === 'under_review', 'latest snapshot');
    });
    expect((await getChargeback(world.db, q.chargebackId))!.processorStatus).toBe('under_review');
  });

  it('keeps an unmatched dispute as a case flagged unmatched and asks a person to match it', async () => {
    const p = await world.purchase('imaginator', { matched: false });
    await run(async () => {
      await world.send(p, 'created');
      await world.waitFor(p, (s) => s.unmatched && s.deadlines.length === 3, 'unmatched case opened');
      await recordChargebackHistory('unmatched-opened', world.handle(p));
    });
    const record = await getChargeback(world.db, p.chargebackId);
    expect(record).toMatchObject({ unmatched: true, accountId: null, status: 'open' });
    expect((await world.events(p)).map((e) => e.type)).toEqual(
      expect.arrayContaining(['opened_unmatched', 'unmatched_dispute']),
    );
    expect((await getAccountView(world.db, p.accountId))!.status).toBe('active');
  });
});
