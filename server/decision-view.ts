import type { Decision } from '../common/claim';
import { withoutStaffNames } from '../domain/staff-names';

/** A decision as the API shows it, for a real claim and for a simulation alike. */
export function decisionView(decision: Decision, audience: 'customer' | 'staff') {
  const text = (t: string) => (audience === 'staff' ? t : withoutStaffNames(t, [decision.decidedBy.id]));
  return {
    outcome: decision.outcome,
    amountMinor: decision.amount.amountMinor,
    currency: decision.amount.currency,
    remedy: decision.remedy,
    reasons: decision.reasons.map((r) => ({ ...r, message: text(r.message) })),
    arithmetic: decision.arithmetic.map(text),
    findings: decision.findings.map((f) => ({
      requestId: f.requestId,
      verdict: f.verdict,
      refundableMinor: f.refundable.amountMinor,
      chargedMinor: f.charged.amountMinor,
    })),
    decidedBy: audience === 'staff' ? decision.decidedBy : { type: decision.decidedBy.type },
    policy: decision.policy,
    note: decision.note ?? null,
  };
}
