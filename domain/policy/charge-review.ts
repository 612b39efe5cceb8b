import type { ClaimFacts } from '../../common/claim';
import type { LedgerFacts } from '../../common/ledger';
import { money } from '../../common/money';
import { locateClaimedCharge } from './charges';
import type { Draft } from './draft';
import type { LoadedPolicy } from './loaded';
import { minorUnits, reasonFrom } from './reasons';
import type { ReasonRule } from './schema';

/**
 * Billing errors and unauthorised charges need a person to confirm what went wrong; the proposal
 * is the whole charge because the ledger cannot say which part of it was wrong.
 */
export function assessChargeReview(policy: LoadedPolicy, claim: ClaimFacts, facts: LedgerFacts, rule: ReasonRule): Draft {
  const located = locateClaimedCharge(policy, claim, facts);
  if ('draft' in located) return located.draft;
  const { charge } = located;
  const amount = money(charge.amountMinor, charge.currency);
  const reason = reasonFrom(rule, { transactionId: charge.transactionId });
  return {
    outcome: 'approved',
    amount,
    remedy: rule.remedy ?? policy.pack.remedies.default,
    reasons: [reason],
    arithmetic: [
      `${charge.transactionId}: ${charge.kind} charge of ${minorUnits(amount)} on ${charge.createdAt}`,
      'proposal covers the whole charge; the reviewer sets the erroneous part',
      `total ${minorUnits(amount)}`,
    ],
    findings: [],
    review: [reason],
  };
}
