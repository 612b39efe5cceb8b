import type { ClaimFacts } from '../../common/claim';
import type { LedgerFacts } from '../../common/ledger';
import { money } from '../../common/money';
import { locateClaimedCharge } from './charges';
import { denialDraft, type Draft } from './draft';
import type { LoadedPolicy } from './loaded';
import { minorUnits, reasonFrom } from './reasons';
import { chargeRemainder, describeTaken } from './remainder';
import type { ReasonRule } from './schema';

/**
 * Billing errors and unauthorised charges need a person to confirm what went wrong; the proposal
 * is the whole charge because the ledger cannot say which part of it was wrong.
 */
export function assessChargeReview(
  policy: LoadedPolicy,
  claim: ClaimFacts,
  facts: LedgerFacts,
  rule: ReasonRule,
): Draft {
  const located = locateClaimedCharge(policy, claim, facts);
  if ('draft' in located) return located.draft;
  const { charge } = located;
  const whole = money(charge.amountMinor, charge.currency);
  const rest = chargeRemainder(charge, facts);
  const taken = rest.taken.length > 0 ? describeTaken(rest) : null;
  if (taken && rest.remaining.amountMinor === 0) {
    const spent = reasonFrom(rule, { transactionId: charge.transactionId, detail: `${taken}; nothing of it remains.` });
    return denialDraft(facts.account.currency, [spent]);
  }
  const amount = rest.remaining;
  const reason = reasonFrom(rule, {
    transactionId: charge.transactionId,
    ...(taken && { detail: `${taken}; the proposal covers the remaining ${minorUnits(amount)}.` }),
  });
  return {
    outcome: 'approved',
    amount,
    remedy: rule.remedy ?? policy.pack.remedies.default,
    reasons: [reason],
    arithmetic: [
      `${charge.transactionId}: ${charge.kind} charge of ${minorUnits(whole)} on ${charge.createdAt}`,
      ...(taken ? [`${taken}: ${minorUnits(amount)} remains`] : []),
      `proposal covers the ${taken ? 'remaining' : 'whole'} charge; the reviewer sets the erroneous part`,
      `total ${minorUnits(amount)}`,
    ],
    findings: [],
    chargeShares: [{ transactionId: charge.transactionId, amount }],
    review: [reason],
  };
}
