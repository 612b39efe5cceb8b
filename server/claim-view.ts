import type { Db } from '../db';
import { listDeadlines, type ClaimRecord } from '../db/claims';
import { listClaimEvents } from '../db/events';
import { withoutStaffNames } from '../domain/staff-names';
import { decisionView } from './decision-view';

/** The claim as its customer or support sees it: status, policy version, decision, deadlines, timeline. */
export async function claimView(db: Db, claim: ClaimRecord, audience: 'customer' | 'staff') {
  const [deadlines, events] = await Promise.all([listDeadlines(db, claim.claimId), listClaimEvents(db, claim.claimId)]);
  const staffIds = events.map((e) => e.actor.id);
  const why = (text: string) => (audience === 'staff' ? text : withoutStaffNames(text, staffIds));
  return {
    claimId: claim.claimId,
    status: claim.status,
    reason: claim.reason,
    channel: claim.channel,
    submittedAt: claim.submittedAt,
    accountId: claim.accountId,
    requestIds: claim.requestIds,
    transactionId: claim.transactionId,
    invoiceNumber: claim.invoiceNumber,
    explanation: claim.explanation,
    policy: { id: claim.policyId, version: claim.policyVersion },
    decision: claim.decision && decisionView(claim.decision, audience),
    deadlines: deadlines.map((d) => ({
      kind: d.kind,
      dueAt: d.dueAt,
      businessDays: d.businessDays,
      clause: d.clause,
      state: d.state,
    })),
    ...(audience === 'staff' && {
      evidence: claim.evidence,
      escalatedAt: claim.escalatedAt,
      escalationLevel: claim.escalationLevel,
    }),
    timeline: events.map((e) => ({
      at: e.at,
      type: e.type,
      from: e.from,
      to: e.to,
      why: why(e.why),
      actor: audience === 'staff' ? e.actor : { type: e.actor.type },
    })),
  };
}
