import type { Deadline } from '../common/claim';
import type { DeadlineFiring } from '../db/deadline-sweep';

export type StaffAlertTemplate = 'review_warning' | 'escalation';
export type StaffAudience = 'lead' | 'finance';

/** What one fired deadline records: the same event, whether the claim workflow's timer or the sweep fired it. */
export function deadlineFiring(input: StaffAlert & { claimId: string; eventKey: string }): DeadlineFiring {
  const { claimId, eventKey, deadline, template, audience } = input;
  return {
    claimId,
    deadline,
    eventKey,
    eventType: template === 'escalation' ? `escalated_to_${audience}` : 'lead_warned',
    actor: { type: 'timer', id: `sla:${deadline.kind}` },
    why: `${deadline.kind} deadline ${deadline.dueAt} (${deadline.businessDays} business days, ${deadline.clause})`,
    escalateTo: template === 'escalation' ? audience : null,
  };
}

/** A staff alert: which mail, to whom, for which deadline. */
export interface StaffAlert {
  deadline: Deadline;
  template: StaffAlertTemplate;
  audience: StaffAudience;
}

/** The sweep's alert: the lead is warned, then told of the review escalation; finance of a payout's. */
export function sweptAlert(deadline: Deadline): StaffAlert {
  return {
    deadline,
    template: deadline.kind === 'review_warning' ? 'review_warning' : 'escalation',
    audience: deadline.kind === 'payout' ? 'finance' : 'lead',
  };
}

export function sweptFiring(claimId: string, deadline: Deadline): DeadlineFiring {
  return deadlineFiring({ claimId, eventKey: sweptDeadlineKey(deadline), ...sweptAlert(deadline) });
}

/** One key per deadline (a moved deadline is a new one), for its event and its staff alert. */
export const sweptDeadlineKey = (deadline: Deadline) => `sla:${deadline.kind}@${deadline.dueAt}`;
