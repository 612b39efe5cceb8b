import type { Actor, Decision, DecisionReason } from '../../common/claim';
import { zero } from '../../common/money';
import type { LoadedPolicy } from './loaded';

export const POLICY_ENGINE: Actor = { type: 'system', id: 'policy-engine' };

/** What one handling concludes, before the gates decide whether a person must confirm it. */
export interface Draft extends Pick<
  Decision,
  'outcome' | 'amount' | 'remedy' | 'reasons' | 'arithmetic' | 'findings' | 'chargeShares'
> {
  /** Reasons a person must look at; empty means the engine may decide alone. */
  review: DecisionReason[];
}

export function denialDraft(currency: string, reasons: DecisionReason[], review: DecisionReason[] = []): Draft {
  return {
    outcome: 'denied',
    amount: zero(currency),
    remedy: 'none',
    reasons,
    arithmetic: [`total 0 ${currency.toUpperCase()} minor units`],
    findings: [],
    review,
  };
}

export function engineDecision(policy: LoadedPolicy, draft: Draft): Decision {
  return {
    outcome: draft.outcome,
    amount: draft.amount,
    remedy: draft.outcome === 'denied' ? 'none' : draft.remedy,
    reasons: draft.reasons,
    arithmetic: draft.arithmetic,
    findings: draft.findings,
    decidedBy: POLICY_ENGINE,
    policy: { id: policy.id, version: policy.version },
    ...(draft.outcome !== 'denied' && draft.chargeShares?.length ? { chargeShares: draft.chargeShares } : {}),
  };
}
