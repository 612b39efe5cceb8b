import { DECISION_OUTCOMES, type ClaimFacts, type Decision } from '../../common/claim';
import { money, sumMoney } from '../../common/money';
import type { StaffDecisionInput } from '../../common/messages';
import { PolicyViolation, type PolicyViolationCode } from './errors';
import type { LoadedPolicy } from './loaded';
import { minorUnits, reasonFrom } from './reasons';

/** A person's decision as the workflow receives it, plus a currency for decisions made without a proposal. */
export type StaffDecisionWithCurrency = StaffDecisionInput & { currency?: string };

/** A person's decision, checked against the pack and citing the clause that lets a person decide. */
export function staffDecision(
  policy: LoadedPolicy,
  claim: ClaimFacts,
  input: StaffDecisionWithCurrency,
  proposal?: Decision,
): Decision {
  const { pack } = policy;
  const fail = (code: PolicyViolationCode, message: string): never => {
    throw new PolicyViolation(code, `${policy.id}: ${message}`);
  };
  if (input.actor.type !== 'staff') fail('not_staff', `only staff decide claims, not ${input.actor.type} ${input.actor.id}`);
  if (proposal && (proposal.policy.id !== policy.id || proposal.policy.version !== policy.version)) {
    fail('policy_mismatch', `the proposal was made under ${proposal.policy.id}@${proposal.policy.version}, not ${policy.version}`);
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
  const restricted = pack.remedies.restricted.find((r) => r.remedy === input.remedy);
  if (restricted && !note) fail('note_required', `${input.remedy} needs a recorded basis: ${restricted.message}`);

  const amount = money(amountMinor, currency);
  const covers = { requestIds: claim.requestIds, transactionId: claim.transactionId };
  const reasons = [reasonFrom(pack.staffReview, { ...covers, detail: `Decided by ${input.actor.id}: ${input.outcome}.` })];
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
  };
}

/** Where the proposal lists the claimed requests, nobody may return more than they cost. */
function checkAgainstCharged(
  amountMinor: number,
  proposal: Decision | undefined,
  fail: (code: 'amount_above_charged', message: string) => never,
): void {
  if (!proposal || proposal.findings.length === 0) return;
  const currency = proposal.amount.currency;
  const charged = sumMoney(
    proposal.findings.filter((f) => f.charged.currency === currency).map((f) => f.charged),
    currency,
  );
  if (amountMinor > charged.amountMinor) {
    fail('amount_above_charged', `${amountMinor} is more than the ${minorUnits(charged)} the claimed requests were charged`);
  }
}
