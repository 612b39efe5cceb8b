import { MockActivityEnvironment } from '@temporalio/testing';
import type { AttentionCause } from '../../common/unfixable';
import { useActivityWorld, type ActivityWorld } from './activity-harness';

const currentWorld = useActivityWorld();
const activity = new MockActivityEnvironment();
let world: ActivityWorld;
beforeAll(() => {
  world = currentWorld();
});

const cause: AttentionCause = {
  errorType: 'MoneyOverflow',
  message: '9007199254740991 + 9007199254740991 minor units leaves the exact integer range',
  activity: 'runEvidenceCheck',
  clause: null,
};

const tally = async () =>
  (
    await world.db.query<{ value: string }>(
      `SELECT value FROM claim_tallies WHERE metric = 'claims_needing_attention' AND labels = '{"error_type": "MoneyOverflow"}'`,
    )
  ).rows[0]?.value ?? '0';

describe('a claim moved to needs_attention', () => {
  it('keeps the cause, logs one event and counts once, however often the activity is retried', async () => {
    const claimId = await world.newClaim();
    await world.db.query(`UPDATE claims SET status = 'checking' WHERE id = $1`, [claimId]);
    const before = Number(await tally());
    const mark = () =>
      activity.run(world.activities.markNeedsAttention, { claimId, eventKey: 'run1:attention:stopped', cause });
    await mark();
    await mark(); // a retry

    const claim = await world.db.query('SELECT status, attention FROM claims WHERE id = $1', [claimId]);
    expect(claim.rows[0]).toMatchObject({ status: 'needs_attention', attention: { ...cause, from: 'checking' } });
    const events = await world.db.query(
      `SELECT actor_type, actor_id, from_status, to_status, why FROM claim_events WHERE claim_id = $1 AND type = 'needs_attention'`,
      [claimId],
    );
    expect(events.rows).toEqual([
      {
        actor_type: 'system',
        actor_id: 'claim-guard',
        from_status: 'checking',
        to_status: 'needs_attention',
        why: `MoneyOverflow in runEvidenceCheck: ${cause.message}`,
      },
    ]);
    expect(Number(await tally())).toBe(before + 1);
  });

  it('a person’s answer moves it on and clears the cause; the event names who and why', async () => {
    const claimId = await world.newClaim();
    await activity.run(world.activities.markNeedsAttention, { claimId, eventKey: 'r:attention:stopped', cause });
    const answer = {
      claimId,
      eventKey: 'r:attention:close',
      type: 'closed_by_staff',
      actor: { type: 'staff' as const, id: 'lead:ana' },
      why: 'paid by hand',
      to: 'closed' as const,
    };
    await activity.run(world.activities.answerAttention, answer);
    await activity.run(world.activities.answerAttention, answer);
    const claim = await world.db.query('SELECT status, attention FROM claims WHERE id = $1', [claimId]);
    expect(claim.rows[0]).toEqual({ status: 'closed', attention: null });
    const events = await world.db.query(
      `SELECT actor_id, why FROM claim_events WHERE claim_id = $1 AND type = 'closed_by_staff'`,
      [claimId],
    );
    expect(events.rows).toEqual([{ actor_id: 'lead:ana', why: 'paid by hand' }]);
  });
});
