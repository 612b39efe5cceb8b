import type { Deadline, DeadlineKind } from '../common/claim';
import { getClaim, listDeadlines, saveDeadlines, settleDeadlines } from '../db/claims';
import { addBusinessDays, businessDaysBetween } from '../domain/calendar/business-days';
import { deadlineFor } from '../domain/policy';
import type { ActivityDeps } from './deps';

/**
 * Business-day arithmetic lives here, not in the workflow, so a holiday-data update
 * changes only future activity results and can never break replay.
 */
export function createDeadlineActivities({ db, policies }: ActivityDeps) {
  async function pinnedPolicy(claimId: string) {
    const claim = await getClaim(db, claimId);
    return { claim, policy: await policies.pinned(claim.policyId, claim.policyVersion) };
  }

  return {
    /** Plans deadlines counted in the policy's business days from `from` (default: submission). */
    async planDeadlines(input: { claimId: string; kinds: DeadlineKind[]; from?: string }): Promise<Deadline[]> {
      const { claim, policy } = await pinnedPolicy(input.claimId);
      const from = input.from ?? claim.submittedAt;
      const deadlines = input.kinds.map((kind) => deadlineFor(policy, kind, from));
      await saveDeadlines(db, input.claimId, deadlines);
      return deadlines;
    },

    /** The SLA clock stops while the claim waits on the customer: push open deadlines back by the paused business days. */
    async pauseDeadlines(input: { claimId: string; pausedFrom: string; pausedUntil: string }): Promise<Deadline[]> {
      const { policy } = await pinnedPolicy(input.claimId);
      const { calendar } = policy.pack;
      const paused = businessDaysBetween(new Date(input.pausedFrom), new Date(input.pausedUntil), calendar);
      const open = (await listDeadlines(db, input.claimId)).filter((d) => d.state === 'open' && d.kind !== 'customer_reply');
      const shifted = open.map(({ state: _state, ...d }) => ({
        ...d,
        dueAt: paused === 0 ? d.dueAt : addBusinessDays(new Date(d.dueAt), paused, calendar).toISOString(),
      }));
      await saveDeadlines(db, input.claimId, shifted);
      await settleDeadlines(db, input.claimId, ['customer_reply'], 'met');
      return shifted;
    },

    async settleDeadlines(input: { claimId: string; kinds: DeadlineKind[]; state: 'met' | 'breached' | 'cancelled' }): Promise<void> {
      await settleDeadlines(db, input.claimId, input.kinds, input.state);
    },
  };
}
