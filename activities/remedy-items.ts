import type { Assessment, RequestVerdict } from '../common/claim';
import type { LedgerFacts } from '../common/ledger';
import type { RemedyItems } from '../db/remedies';

/** Verdicts whose requests are not the claimant's to reserve: unknown, foreign, or paid under another claim. */
const NOT_RESERVED: readonly RequestVerdict[] = ['not_found', 'other_account', 'already_remedied'];

/**
 * What a claim reserves after an assessment or a staff decision: a settled decision only what it pays;
 * a claim going to a person everything a person could still pay, so a second claim cannot race it.
 */
export function remedyItemsOf(assessment: Assessment, accountId: string, facts: LedgerFacts): RemedyItems {
  if (assessment.kind === 'needs_info') return { requests: [], charges: [] };
  const settled = assessment.kind === 'decided';
  const decision = settled ? assessment.decision : assessment.proposal;
  if (settled && decision.outcome === 'denied') return { requests: [], charges: [] };
  const own = new Set(facts.requests.filter((r) => r.accountId === accountId).map((r) => r.requestId));
  const requests = decision.findings
    .filter((f) => own.has(f.requestId) && !NOT_RESERVED.includes(f.verdict))
    .filter((f) => !settled || f.refundable.amountMinor > 0)
    .map((f) => ({ requestId: f.requestId, amountMinor: f.charged.amountMinor, currency: f.charged.currency }));
  const charges =
    decision.outcome === 'denied'
      ? []
      : (decision.chargeShares ?? []).map((s) => ({
          transactionId: s.transactionId,
          amountMinor: s.amount.amountMinor,
          currency: s.amount.currency,
        }));
  return { requests, charges };
}
