import type { Actor, Deadline, DeadlineKind } from '../common/claim';
import { withTransaction, type Queryable } from '../db';
import { listDeadlines, saveDeadlines, settleDeadlines } from '../db/claims';
import { appendClaimEvent } from '../db/events';
import { addBusinessDays, businessDaysBetween } from '../domain/calendar/business-days';
import { deadlineFor } from '../domain/policy';
import type { ActivityDeps } from './deps';
import { activityEventKey } from './event-key';
import { loadPinnedClaim } from './pinned-claim';

const SLA_CLOCK: Actor = { type: 'system', id: 'sla-clock' };

const describe = (deadlines: Deadline[]) =>
  deadlines.map((d) => `${d.kind} due ${d.dueAt} (${d.businessDays} business days, ${d.clause})`).join('; ');

/** Deadline changes are state changes: each goes into the claim's event log with the change itself. */
async function logDeadlines(
  tx: Queryable,
  claimId: string,
  type: string,
  why: string,
  data: Record<string, unknown>,
  eventKey = activityEventKey(type),
) {
  await appendClaimEvent(tx, { claimId, eventKey, type, actor: SLA_CLOCK, why, data });
}

/** Stores planned deadlines and logs them, inside the caller's transaction. */
export async function saveAndLogDeadlines(tx: Queryable, claimId: string, deadlines: Deadline[], eventKey?: string) {
  await saveDeadlines(tx, claimId, deadlines);
  await logDeadlines(tx, claimId, 'deadlines_planned', describe(deadlines), { deadlines }, eventKey);
}

/** Settles the open deadlines of `kinds` and logs what it settled, inside the caller's transaction. */
export async function settleAndLogDeadlines(
  tx: Queryable,
  claimId: string,
  kinds: DeadlineKind[],
  state: 'met' | 'breached' | 'cancelled',
  eventKey?: string,
) {
  const settled = await settleDeadlines(tx, claimId, kinds, state);
  if (settled.length)
    await logDeadlines(
      tx,
      claimId,
      'deadlines_settled',
      `${settled.join(', ')} ${state}`,
      { kinds: settled, state },
      eventKey,
    );
}

/**
 * Business-day arithmetic lives here, not in the workflow, so a holiday-data update
 * changes only future activity results and can never break replay.
 */
export function createDeadlineActivities(deps: ActivityDeps) {
  const { db } = deps;
  const pinnedPolicy = (claimId: string) => loadPinnedClaim(deps, claimId);
  const planDeadline = deps.deadlinePlanner ?? deadlineFor;

  return {
    /** Plans deadlines counted in the policy's business days from `from` (default: submission). */
    async planDeadlines(input: { claimId: string; kinds: DeadlineKind[]; from?: string }): Promise<Deadline[]> {
      const { claim, policy } = await pinnedPolicy(input.claimId);
      const from = input.from ?? claim.submittedAt;
      const deadlines = input.kinds.map((kind) => planDeadline(policy, kind, from));
      await withTransaction(db, (tx) => saveAndLogDeadlines(tx, input.claimId, deadlines));
      return deadlines;
    },

    /** The SLA clock stops while the claim waits on the customer: push open deadlines back by the paused business days. */
    async pauseDeadlines(input: { claimId: string; pausedFrom: string; pausedUntil: string }): Promise<Deadline[]> {
      const { policy } = await pinnedPolicy(input.claimId);
      const { calendar } = policy.pack;
      const paused = businessDaysBetween(new Date(input.pausedFrom), new Date(input.pausedUntil), calendar);
      const open = (await listDeadlines(db, input.claimId)).filter(
        (d) => d.state === 'open' && d.kind !== 'customer_reply',
      );
      const shifted = open.map(({ state: _state, ...d }) => ({
        ...d,
        dueAt: paused === 0 ? d.dueAt : addBusinessDays(new Date(d.dueAt), paused, calendar).toISOString(),
      }));
      await withTransaction(db, async (tx) => {
        await saveDeadlines(tx, input.claimId, shifted);
        await settleDeadlines(tx, input.claimId, ['customer_reply'], 'met');
        const why = `the SLA clock stood still for ${paused} business days while the claim waited on the customer`;
        await logDeadlines(tx, input.claimId, 'deadlines_paused', `${why}: ${describe(shifted)}`, {
          pausedBusinessDays: paused,
          deadlines: shifted,
        });
      });
      return shifted;
    },

    async settleDeadlines(input: {
      claimId: string;
      kinds: DeadlineKind[];
      state: 'met' | 'breached' | 'cancelled';
    }): Promise<void> {
      await withTransaction(db, (tx) => settleAndLogDeadlines(tx, input.claimId, input.kinds, input.state));
    },
  };
}
