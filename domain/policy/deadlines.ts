import type { Deadline, DeadlineKind } from '../../common/claim';
import { addBusinessDays } from '../calendar/business-days';
import { instant } from './instant';
import type { LoadedPolicy } from './loaded';
import type { PolicyPack } from './schema';

/** The SLA entry a deadline kind is counted from. */
export function slaFor(pack: PolicyPack, kind: DeadlineKind): { businessDays: number; clause: string } {
  const { review, resolution, payout, customerReply } = pack.sla;
  switch (kind) {
    case 'review_warning':
      return { businessDays: review.warnBusinessDays, clause: review.clause };
    case 'review':
      return { businessDays: review.dueBusinessDays, clause: review.clause };
    case 'resolution':
      return { businessDays: resolution.dueBusinessDays, clause: resolution.clause };
    case 'payout':
      return { businessDays: payout.dueBusinessDays, clause: payout.clause };
    case 'customer_reply':
      return { businessDays: customerReply.waitBusinessDays, clause: customerReply.clause };
  }
}

/**
 * A deadline of the pack's SLA counted from `fromIso` (receipt for review/resolution, approval for payout):
 * the end of the Nth business day in the pack's calendar. The counting itself is domain/calendar's, shared
 * with the deadline activities so both always agree.
 */
export function deadlineFor(policy: LoadedPolicy, kind: DeadlineKind, fromIso: string): Deadline {
  const { businessDays, clause } = slaFor(policy.pack, kind);
  const due = addBusinessDays(instant(fromIso).toJSDate(), businessDays, policy.pack.calendar);
  return { kind, dueAt: due.toISOString(), businessDays, clause };
}
