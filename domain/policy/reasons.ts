import type { DecisionReason } from '../../common/claim';
import type { Money } from '../../common/money';
import type { ReasonCitationRule } from './schema';

export interface Covers {
  requestIds?: readonly string[];
  transactionId?: string | null;
  /** Case-specific words appended to the pack's plain message. */
  detail?: string;
}

/** Turns a pack citation into a reason on a decision, tied to what it covers. */
export function reasonFrom(rule: ReasonCitationRule, covers: Covers = {}): DecisionReason {
  const reason: DecisionReason = {
    code: rule.code,
    clause: rule.clause,
    quote: rule.quote,
    message: covers.detail ? `${rule.message} ${covers.detail}` : rule.message,
  };
  if (covers.requestIds && covers.requestIds.length > 0) reason.requestIds = [...covers.requestIds];
  if (covers.transactionId) reason.transactionId = covers.transactionId;
  return reason;
}

/** "120 USD minor units", the unit every arithmetic line uses. */
export function minorUnits(amount: Money): string {
  return `${amount.amountMinor} ${amount.currency} minor units`;
}
