import { DECISION_OUTCOMES, type ChargeShare, type ClaimFacts, type Decision } from '../../common/claim';
import type { LedgerFacts } from '../../common/ledger';
import { checkedSum, formatMoney, money, sumMoney, type Money } from '../../common/money';
import { findClaimedCharge } from './charges';
import type { StaffDecisionInput } from '../../common/messages';
import { PolicyViolation, type PolicyViolationCode } from './errors';
import type { LoadedPolicy } from './loaded';
import { minorUnits, reasonFrom } from './reasons';
import { allocateShares, chargeRemainder, describeTaken } from './remainder';

/** A person's decision as the workflow receives it, plus a currency for decisions made without a proposal. */
export type StaffDecisionWithCurrency = StaffDecisionInput & { currency?: string };

type Fail = (code: PolicyViolationCode, message: string) => never;

/**
 * A person's decision, checked against the pack and citing the clause that lets a person decide.
 * With the ledger, a decision on a charge may not exceed what other claims left of it.
 */
export function staffDecision(
  policy: LoadedPolicy,
  claim: ClaimFacts,
  input: StaffDecisionWithCurrency,
  proposal?: Decision,
  ledger?: LedgerFacts,
): Decision {
  const { pack } = policy;
  const fail: Fail = (code, message) => {
    throw new PolicyViolation(code, `${policy.id}: ${message}`);
  };
  if (input.actor.type !== 'staff')
    fail('not_staff', `only staff decide claims, not ${input.actor.type} ${input.actor.id}`);
  if (proposal && (proposal.policy.id !== policy.id || proposal.policy.version !== policy.version)) {
    fail(
      'policy_mismatch',
      `the proposal was made under ${proposal.policy.id}@${proposal.policy.version}, not ${policy.version}`,
    );
  }
  if (!DECISION_OUTCOMES.includes(input.outcome)) fail('unknown_outcome', `unknown outcome ${String(input.outcome)}`);
  const currency = (input.currency ?? proposal?.amount.currency)?.toUpperCase();
  if (!currency) return fail('currency_unknown', 'give a currency when there is no proposal');
  if (proposal && currency !== proposal.amount.currency) {
    fail('currency_mismatch', `the proposal is in ${proposal.amount.currency}, not ${currency}`);
  }
  const note = input.note?.trim() || undefined;
  const denied = input.outcome === 'denied';
  // Approving "as proposed" may omit the amount (common/messages.ts); a partial approval must state it.
  const asProposed = input.outcome === 'approved' ? proposal?.amount.amountMinor : undefined;
  const amountMinor = denied ? 0 : (input.amountMinor ?? asProposed ?? NaN);

  if (denied) {
    if (input.remedy !== 'none') fail('remedy_for_denial', `a denial grants no remedy, got ${input.remedy}`);
    if (input.amountMinor !== undefined && input.amountMinor !== 0) fail('amount_for_denial', 'a denial has no amount');
  } else {
    if (input.remedy === 'none' || !pack.remedies.allowed.includes(input.remedy)) {
      fail('remedy_not_allowed', `remedy ${input.remedy} is not one of ${pack.remedies.allowed.join(', ')}`);
    }
    if (!Number.isSafeInteger(amountMinor) || amountMinor <= 0) {
      fail('amount_invalid', `amount must be a positive integer of minor units, got ${String(input.amountMinor)}`);
    }
    checkAgainstCharged(amountMinor, proposal, fail);
  }
  const amount = money(amountMinor, currency);
  const chargeShares = denied ? [] : sharesOfCharges(amount, claim, proposal, ledger, fail);
  const restricted = pack.remedies.restricted.find((r) => r.remedy === input.remedy);
  if (restricted && !note) fail('note_required', `${input.remedy} needs a recorded basis: ${restricted.message}`);

  const covers = { requestIds: claim.requestIds, transactionId: claim.transactionId };
  const reasons = [
    reasonFrom(pack.staffReview, { ...covers, detail: `Decided by ${input.actor.id}: ${input.outcome}.` }),
  ];
  if (restricted) reasons.push(reasonFrom(restricted, covers));
  const proposed = proposal ? ` (engine proposed ${proposal.outcome}, ${minorUnits(proposal.amount)})` : '';
  return {
    outcome: input.outcome,
    amount,
    remedy: denied ? 'none' : input.remedy,
    reasons,
    arithmetic: [...(proposal?.arithmetic ?? []), `staff ${input.actor.id} set ${minorUnits(amount)}${proposed}`],
    findings: proposal?.findings ?? [],
    decidedBy: input.actor,
    policy: { id: policy.id, version: policy.version },
    ...(note ? { note } : {}),
    ...(chargeShares.length > 0 ? { chargeShares } : {}),
  };
}

/** The charges a decision pays back: the proposal's, else the charge the claim names; never above what remains. */
function sharesOfCharges(
  amount: Money,
  claim: ClaimFacts,
  proposal: Decision | undefined,
  ledger: LedgerFacts | undefined,
  fail: Fail,
): ChargeShare[] {
  if (!ledger || (proposal && proposal.findings.length > 0)) return [];
  const proposed = proposal?.chargeShares?.map((s) => ledger.charges.find((c) => c.transactionId === s.transactionId));
  const named = findClaimedCharge(claim, ledger);
  const targets = (proposed?.length ? proposed : [named]).filter(
    (c) => c !== undefined && c.accountId === claim.accountId,
  );
  if (targets.length === 0) return [];
  const remainders = targets.map((c) => chargeRemainder(c!, ledger));
  const remaining = money(checkedSum(remainders.map((r) => r.remaining.amountMinor)), amount.currency);
  if (amount.amountMinor > remaining.amountMinor) {
    const taken = remainders
      .filter((r) => r.taken.length > 0)
      .map(describeTaken)
      .join('; ');
    const ids = targets.map((c) => c!.transactionId).join(', ');
    fail(
      'amount_above_remainder',
      `only ${formatMoney(remaining)} of charge ${ids} remains to be paid back${taken ? ` (${taken})` : ''}; ${formatMoney(amount)} is more`,
    );
  }
  return allocateShares(amount, remainders);
}

/** Where the proposal lists the claimed requests, nobody may return more than they cost. */
function checkAgainstCharged(
  amountMinor: number,
  proposal: Decision | undefined,
  fail: (code: 'amount_above_charged', message: string) => never,
): void {
  if (!proposal || proposal.findings.length === 0) return;
  const currency = proposal.amount.currency;
  // A call another claim already paid back is not the claimant's to be paid again.
  const open = proposal.findings.filter((f) => f.charged.currency === currency && f.verdict !== 'already_remedied');
  const charged = sumMoney(
    open.map((f) => f.charged),
    currency,
  );
  if (amountMinor > charged.amountMinor) {
    fail(
      'amount_above_charged',
      `${amountMinor} is more than the ${minorUnits(charged)} the claimed requests were charged`,
    );
  }
}
