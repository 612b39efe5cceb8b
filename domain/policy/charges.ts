import type { ClaimFacts } from '../../common/claim';
import type { LedgerCharge, LedgerFacts } from '../../common/ledger';
import { windowApplies, withinClaimWindow } from './claim-window';
import { denialDraft, type Draft } from './draft';
import type { LoadedPolicy } from './loaded';
import { reasonFrom } from './reasons';
import type { PolicyPack } from './schema';

export type LocatedCharge = { charge: LedgerCharge } | { draft: Draft };

/** The charge a claim names, by transaction id first, then invoice number. */
export function findClaimedCharge(claim: ClaimFacts, facts: LedgerFacts): LedgerCharge | undefined {
  const byTransaction = claim.transactionId
    ? facts.charges.find((c) => c.transactionId === claim.transactionId)
    : undefined;
  if (byTransaction) return byTransaction;
  return claim.invoiceNumber ? facts.charges.find((c) => c.invoiceNumber === claim.invoiceNumber) : undefined;
}

/** Finds the claimed charge, or ends the assessment when it is missing, foreign or too old. */
export function locateClaimedCharge(policy: LoadedPolicy, claim: ClaimFacts, facts: LedgerFacts): LocatedCharge {
  const { pack } = policy;
  const charges = chargeRules(pack);
  const currency = facts.account.currency;
  const named = claim.transactionId ?? claim.invoiceNumber;
  const charge = findClaimedCharge(claim, facts);
  // The ledger may lag or the customer may have mistyped; a person looks rather than the engine denying.
  if (!charge) {
    const notFound = reasonFrom(charges.notFound, {
      transactionId: named,
      detail: `Looked for ${named ?? 'no reference'}.`,
    });
    return { draft: denialDraft(currency, [notFound], [notFound]) };
  }
  if (charge.accountId !== claim.accountId) {
    return { draft: denialDraft(currency, [reasonFrom(charges.otherAccount, { transactionId: named })]) };
  }
  if (windowApplies(pack, claim.reason) && !withinClaimWindow(pack, charge.createdAt, claim.submittedAt)) {
    const late = reasonFrom(pack.requests.outside_window, {
      transactionId: charge.transactionId,
      detail: `Charged ${charge.createdAt}.`,
    });
    return { draft: denialDraft(currency, [late]) };
  }
  return { charge };
}

export function chargeRules(pack: PolicyPack): NonNullable<PolicyPack['charges']> {
  // The schema refuses charge handlings without this block, so reaching here without it is a bug.
  if (!pack.charges) throw new Error(`policy ${pack.id} has no charges rules`);
  return pack.charges;
}
