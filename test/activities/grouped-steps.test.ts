import { MockActivityEnvironment } from '@temporalio/testing';
import type { ClaimMove, EvidenceOpening, OpenedEvidenceCheck } from '../../activities/claim-steps';
import type { CreditIssued } from '../../activities/remedies';
import type { Actor } from '../../common/claim';
import { approvedDecision, useActivityWorld, type ActivityWorld } from './activity-harness';

const currentWorld = useActivityWorld();
const activity = new MockActivityEnvironment();
let world: ActivityWorld;
beforeAll(() => {
  world = currentWorld();
});

const SYSTEM: Actor = { type: 'system', id: 'claim-workflow' };

const approvedCredit = () => approvedDecision('credit');

async function rows(sql: string, params: unknown[]) {
  return (await world.db.query(sql, params)).rows;
}

const eventTypes = async (claimId: string) =>
  (await rows('SELECT type FROM claim_events WHERE claim_id = $1 ORDER BY id', [claimId])).map((r) => r.type);

/** Runs an activity `times` times at once, as retries racing a worker that was thought lost would. */
const concurrently = <T>(times: number, run: () => Promise<T>) => Promise.all(Array.from({ length: times }, run));

/**
 * The steps flow revision 1 of the claim workflow groups (CLAIM_FLOW_REVISION): each is one activity and one
 * transaction, and like every step it runs at least once, so a retry writes nothing twice.
 */
describe('grouped claim steps, against PostgreSQL and SMTP', () => {
  it('makes the opening move, then the first evidence check, once however often it runs', async () => {
    const claimId = await world.newClaim('billing_error');
    const opening: EvidenceOpening = {
      claimId,
      eventKey: 'run1:1:evidence_check_started',
      type: 'evidence_check_started',
      to: 'checking',
      why: 'checking the claim window and the usage ledger',
      actor: SYSTEM,
      plan: ['review_warning', 'review', 'resolution'],
    };
    const open = (): Promise<OpenedEvidenceCheck> => activity.run(world.activities.openEvidenceCheck, { opening });
    const runs = await concurrently(3, open);
    expect(runs.map((r) => r.deadlines.map((d) => d.kind))).toEqual(
      Array(3).fill(['review_warning', 'review', 'resolution']),
    );
    expect(new Set(runs.map((r) => r.check.kind)).size).toBe(1);
    expect(runs[0]!.check.kind).not.toBe('waiting');
    expect(await rows('SELECT status FROM claims WHERE id = $1', [claimId])).toEqual([{ status: 'checking' }]);
    expect(await eventTypes(claimId)).toEqual(['evidence_check_started', 'deadlines_planned']);
    const deadlines = await rows('SELECT kind, clause FROM claim_deadlines WHERE claim_id = $1 ORDER BY due_at', [
      claimId,
    ]);
    expect(deadlines.map((d) => d.kind)).toEqual(['review_warning', 'review', 'resolution']);
    expect(deadlines.every((d) => d.clause.startsWith('§'))).toBe(true);
  });

  it('writes an automatic credit with its decision, once however often and concurrently it runs', async () => {
    const claimId = await world.newClaim();
    await world.moveClaim(claimId, 'checking');
    const input = { claimId, eventKey: 'run1:2:decided', decision: approvedCredit(), to: 'approved' as const };
    const decide = (): Promise<{ credit?: CreditIssued | null }> =>
      activity.run(world.activities.recordClaimDecision, { ...input, credit: true });
    const runs = await concurrently(5, decide);
    expect(new Set(runs.map((r) => r.credit?.creditId)).size).toBe(1);
    expect(runs[0]).toMatchObject({ openDispute: null, credit: { amountMinor: 300, currency: 'USD' } });
    expect(await rows('SELECT amount_minor FROM credits_issued WHERE claim_id = $1', [claimId])).toEqual([
      { amount_minor: '300' },
    ]);
    const grants = await rows('SELECT amount_minor, remaining_minor FROM credit_grants WHERE source = $1', [
      `claim:${claimId}`,
    ]);
    expect(grants).toEqual([{ amount_minor: '300', remaining_minor: '300' }]);
    expect(await eventTypes(claimId)).toEqual(['checking', 'decided', 'credit_issued']);
    expect(await rows('SELECT status FROM claims WHERE id = $1', [claimId])).toEqual([{ status: 'approved' }]);
  });

  it('writes no credit with a denial or a refund decision, even when asked to', async () => {
    for (const decision of [
      { ...approvedDecision('none', 0), outcome: 'denied' as const },
      approvedDecision('refund', 5000),
    ]) {
      const claimId = await world.newClaim();
      const to = decision.outcome === 'denied' ? ('denied' as const) : ('approved' as const);
      const recorded = await activity.run(world.activities.recordClaimDecision, {
        claimId,
        eventKey: 'run1:2:decided',
        decision,
        to,
        credit: true,
      });
      expect(recorded).toEqual({ openDispute: null, wake: [] });
      expect(await rows('SELECT 1 FROM credits_issued WHERE claim_id = $1', [claimId])).toEqual([]);
    }
  });

  it('keeps the credit back while a dispute is open on the charge, and says which', async () => {
    const claimId = await world.newClaim();
    await world.db.query(
      `INSERT INTO charges (transaction_id, payment_reference, account_id, amount_minor, currency, kind, created_at)
       VALUES ('txn_disputed', 'pi_disputed', 'acct_t', 5000, 'USD', 'credit_purchase', now())`,
    );
    await world.db.query(`UPDATE claims SET transaction_id = 'txn_disputed' WHERE id = $1`, [claimId]);
    await world.db.query(
      `INSERT INTO chargebacks (id, processor, dispute_id, transaction_id, account_id, amount_minor, currency, reason,
         processor_status, status, latest_event_at, latest_event_rank, latest_event_id)
       VALUES ('cb_t', 'stripe', 'dp_t', 'txn_disputed', 'acct_t', 5000, 'USD', 'fraudulent', 'needs_response',
         'open', now(), 0, 'evt_t')`,
    );
    const recorded = await activity.run(world.activities.recordClaimDecision, {
      claimId,
      eventKey: 'run1:2:decided',
      decision: approvedCredit(),
      to: 'approved' as const,
      credit: true,
    });
    expect(recorded).toMatchObject({ openDispute: 'cb_t', credit: null });
    expect(await rows('SELECT 1 FROM credits_issued WHERE claim_id = $1', [claimId])).toEqual([]);
    expect(await eventTypes(claimId)).toEqual(['decided']);
  });

  it('sends the last mails, then closes the claim; a retry mails nothing again and closes once', async () => {
    const claimId = await world.newClaim();
    await world.moveClaim(claimId, 'approved');
    const mails = [
      { key: 'run1:3:decision', notice: { template: 'decision' as const, decision: approvedCredit() } },
      { key: 'run1:4:money_sent', notice: { template: 'money_sent' as const, decision: approvedCredit() } },
    ];
    const move: ClaimMove = {
      claimId,
      eventKey: 'run1:5:closed',
      type: 'closed',
      to: 'closed',
      why: 'credit of 300 USD minor units sent',
      actor: SYSTEM,
      settle: [{ kinds: ['payout'], state: 'met' }],
      holds: 'release',
    };
    await activity.run(world.activities.sendMailsThenMove, { claimId, mails, move });
    const again = await activity.run(world.activities.sendMailsThenMove, { claimId, mails, move });
    expect(again).toEqual({ deadlines: [], wake: [] });
    // Only this test mails in this file's world, so every message in its sink is this claim's.
    await world.sink.waitFor((m) => m.subject.includes('has been sent'));
    const mine = world.sink.messages();
    expect(mine.map((m) => m.subject)).toEqual([
      'Decision on your claim: approved',
      'Your credit for your claim has been sent',
    ]);
    expect(
      await rows('SELECT dedupe_key FROM notifications WHERE claim_id = $1 ORDER BY dedupe_key', [claimId]),
    ).toEqual([{ dedupe_key: 'run1:3:decision' }, { dedupe_key: 'run1:4:money_sent' }]);
    expect(await eventTypes(claimId)).toEqual(['approved', 'closed']);
    expect(await rows('SELECT status FROM claims WHERE id = $1', [claimId])).toEqual([{ status: 'closed' }]);
  });
});
