import type { PolicyPack } from '../policy/schema';
import type { ChargebackDeadline } from './types';

const HOUR_MS = 3_600_000;

function before(instant: string, hours: number): string {
  return new Date(Date.parse(instant) - hours * HOUR_MS).toISOString();
}

/**
 * The evidence deadlines for a processor's `due_by` (a calendar instant): warn the lead, escalate,
 * then the deadline itself. Lead times come from the pack; a lead time already past is still listed
 * (the workflow fires it at once), so a late-arriving dispute still warns.
 */
export function evidenceDeadlines(dueBy: string, pack: PolicyPack): ChargebackDeadline[] {
  const rule = pack.chargebacks.evidenceDeadline;
  return [
    { kind: 'evidence_warning', dueAt: before(dueBy, rule.warnHoursBefore), clause: rule.clause },
    { kind: 'evidence_escalation', dueAt: before(dueBy, rule.escalateHoursBefore), clause: rule.clause },
    { kind: 'evidence_due', dueAt: new Date(Date.parse(dueBy)).toISOString(), clause: rule.clause },
  ];
}

/** After a lost dispute a person decides the account's fate by this deadline. */
export function accountDecisionDeadline(closedAt: string, pack: PolicyPack): ChargebackDeadline {
  const rule = pack.chargebacks.lostDispute;
  return {
    kind: 'account_decision',
    dueAt: new Date(Date.parse(closedAt) + rule.decideWithinHours * HOUR_MS).toISOString(),
    clause: rule.clause,
  };
}
