import type { ClaimFacts, DecisionReason } from '../../common/claim';
import type { LedgerCharge, LedgerFacts } from '../../common/ledger';
import { checkedSum, money } from '../../common/money';
import { locateClaimedCharge } from './charges';
import { denialDraft, type Draft } from './draft';
import { epochMs } from './instant';
import type { LoadedPolicy } from './loaded';
import { minorUnits, reasonFrom } from './reasons';
import { chargeRemainder, describeTaken } from './remainder';
import type { PolicyPack, ReasonRule } from './schema';

type DuplicateRules = NonNullable<PolicyPack['duplicates']>;

/** Same-amount charges on the claimant's account other than the claimed one. */
export function sameAmountCharges(claimed: LedgerCharge, charges: readonly LedgerCharge[]): LedgerCharge[] {
  return charges.filter(
    (c) =>
      c.transactionId !== claimed.transactionId &&
      c.accountId === claimed.accountId &&
      c.amountMinor === claimed.amountMinor &&
      c.currency === claimed.currency,
  );
}

/**
 * One payment reference recorded on two or more charges is the processor charging twice: every copy after
 * the first is refundable. Different references are separate purchases the customer made.
 */
export function assessDuplicateCharge(
  policy: LoadedPolicy,
  claim: ClaimFacts,
  facts: LedgerFacts,
  rule: ReasonRule,
): Draft {
  const { pack } = policy;
  const rules = duplicateRules(pack);
  const located = locateClaimedCharge(policy, claim, facts);
  if ('draft' in located) return located.draft;
  const { charge } = located;
  const peers = sameAmountCharges(charge, facts.charges);
  const currency = facts.account.currency;

  if (peers.length === 0) {
    const none = reasonFrom(rules.noDuplicateFound, { transactionId: charge.transactionId });
    return denialDraft(currency, [none], rules.noDuplicateFound.action === 'review' ? [none] : []);
  }
  const reference = charge.paymentReference;
  const copies = reference === null ? [] : peers.filter((p) => p.paymentReference === reference);
  if (copies.length > 0) return doubleCharge(pack, rule, rules, [charge, ...copies], facts);

  // Without references on both sides the ledger cannot tell a double charge from two purchases.
  const unknown = reference === null || peers.some((p) => p.paymentReference === null);
  const detail = unknown
    ? 'A payment reference is missing, so the ledger cannot tell a double charge from two purchases.'
    : `Also charged the same amount: ${peers.map((p) => `${p.transactionId} (${p.paymentReference})`).join(', ')}.`;
  const separate = reasonFrom(rules.separatePurchases, { transactionId: charge.transactionId, detail });
  return denialDraft(currency, [separate], unknown || rules.separatePurchases.action === 'review' ? [separate] : []);
}

function doubleCharge(
  pack: PolicyPack,
  rule: ReasonRule,
  rules: DuplicateRules,
  group: LedgerCharge[],
  facts: LedgerFacts,
): Draft {
  // The earliest charge is the real payment; the later copies are the error.
  const [original, ...extra] = [...group].sort(
    (a, b) => epochMs(a.createdAt) - epochMs(b.createdAt) || a.transactionId.localeCompare(b.transactionId),
  );
  if (!original) throw new Error('a double charge needs at least one charge');
  const each = money(original.amountMinor, original.currency);
  const gross = money(each.amountMinor * extra.length, each.currency);
  // A copy another claim already paid back (or holds) is paid only for what remains of it.
  const remainders = extra.map((c) => chargeRemainder(c, facts));
  const taken = remainders.filter((r) => r.taken.length > 0).map(describeTaken);
  const amount = money(checkedSum(remainders.map((r) => r.remaining.amountMinor)), each.currency);
  const reasons: DecisionReason[] = remainders.map(({ charge, taken: t }, i) =>
    reasonFrom(rules.processorDoubleCharge, {
      transactionId: charge.transactionId,
      ...(t.length > 0 && { detail: `${describeTaken(remainders[i]!)}.` }),
    }),
  );
  return {
    outcome: amount.amountMinor === 0 ? 'denied' : 'approved',
    amount,
    remedy: rule.remedy ?? pack.remedies.default,
    reasons,
    arithmetic: [
      `${group.map((c) => c.transactionId).join(', ')}: payment reference ${original.paymentReference}, ${minorUnits(each)} each`,
      `${original.transactionId} is the original payment; ${extra.length} duplicate × ${each.amountMinor} = ${gross.amountMinor}`,
      ...taken.map((t) => `${t}`),
      `total ${minorUnits(amount)}`,
    ],
    findings: [],
    chargeShares: remainders
      .filter((r) => r.remaining.amountMinor > 0)
      .map((r) => ({ transactionId: r.charge.transactionId, amount: r.remaining })),
    review: rules.processorDoubleCharge.action === 'review' ? reasons : [],
  };
}

function duplicateRules(pack: PolicyPack): DuplicateRules {
  // The schema refuses duplicate_charge handling without this block, so reaching here without it is a bug.
  if (!pack.duplicates) throw new Error(`policy ${pack.id} has no duplicate-charge rules`);
  return pack.duplicates;
}
