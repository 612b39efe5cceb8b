import type { ChargeShare } from '../../common/claim';
import type { ChargeRemedy, LedgerCharge, LedgerFacts } from '../../common/ledger';
import { checkedAdd, checkedSum, formatMoney, money, type Money } from '../../common/money';

/** What is left of a charge after other claims' remedies and reservations. */
export interface ChargeRemainder {
  charge: LedgerCharge;
  taken: ChargeRemedy[];
  remaining: Money;
}

/** The part of `charge` no other claim has remedied or reserved. */
export function chargeRemainder(charge: LedgerCharge, facts: LedgerFacts): ChargeRemainder {
  const taken = (facts.chargeRemedies ?? []).filter((r) => r.transactionId === charge.transactionId);
  const used = checkedSum(taken.map((r) => r.amountMinor));
  return { charge, taken, remaining: money(Math.max(0, charge.amountMinor - used), charge.currency) };
}

/** "$10.00 of this $50.00 charge was already refunded under clm_1": the words a reviewer and customer read. */
export function describeTaken({ charge, taken }: ChargeRemainder): string {
  const whole = formatMoney(money(charge.amountMinor, charge.currency));
  return taken
    .map((r) => {
      const part = formatMoney(money(r.amountMinor, r.currency));
      const how =
        r.state === 'pending' ? 'is reserved' : `was already ${r.remedy === 'refund' ? 'refunded' : 'credited'}`;
      return `${part} of this ${whole} charge ${charge.transactionId} ${how} under ${r.claimId}`;
    })
    .join('; ');
}

/**
 * Spreads `amount` over the charges in order, each up to its remainder; whatever is left over goes to the
 * first charge, so the database refuses it rather than this code hiding it.
 */
export function allocateShares(amount: Money, remainders: readonly ChargeRemainder[]): ChargeShare[] {
  let left = amount.amountMinor;
  const shares = remainders.map(({ charge, remaining }) => {
    const part = Math.min(left, remaining.amountMinor);
    left -= part;
    return { transactionId: charge.transactionId, amount: money(part, amount.currency) };
  });
  if (left > 0 && shares[0])
    shares[0] = { ...shares[0], amount: money(checkedAdd(shares[0].amount.amountMinor, left), amount.currency) };
  return shares.filter((s) => s.amount.amountMinor > 0);
}
