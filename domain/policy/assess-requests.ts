import type { ClaimFacts, RequestFinding, RequestVerdict } from '../../common/claim';
import type { LedgerFacts, LedgerRequest } from '../../common/ledger';
import { checkedSum, sumMoney } from '../../common/money';
import { classifyRequests } from './classify';
import type { Draft } from './draft';
import type { LoadedPolicy } from './loaded';
import { minorUnits, reasonFrom } from './reasons';
import type { ReasonRule } from './schema';

/** Decides a claim request by request: each finding's disposition comes from the pack's verdict table. */
export function assessRequests(policy: LoadedPolicy, claim: ClaimFacts, facts: LedgerFacts, rule: ReasonRule): Draft {
  const { pack } = policy;
  const currency = facts.account.currency.toUpperCase();
  const findings = classifyRequests(policy, claim, facts);
  const ledger = new Map(facts.requests.map((r) => [r.requestId, r]));
  const disposition = (f: RequestFinding) => pack.requests[f.verdict].disposition;

  // A refund in another currency cannot be added to the account's total; a person converts or declines it.
  const paying = findings.filter((f) => disposition(f) === 'refund' && f.refundable.currency === currency);
  const foreign = findings.filter((f) => disposition(f) === 'refund' && f.refundable.currency !== currency);
  const amount = sumMoney(
    paying.map((f) => f.refundable),
    currency,
  );

  const groups = groupByVerdict(findings);
  const earlierClaims = (ids: string[]) =>
    [...new Set(facts.alreadyRemedied.filter((r) => ids.includes(r.requestId)).map((r) => r.claimId))].join(', ');
  const verdictReason = ([verdict, ids]: [RequestVerdict, string[]]) =>
    reasonFrom(pack.requests[verdict], {
      requestIds: ids,
      ...(verdict === 'already_remedied' && { detail: `Remedied under ${earlierClaims(ids)}.` }),
    });
  const review = groups.filter(([verdict]) => pack.requests[verdict].disposition === 'review').map(verdictReason);
  if (foreign.length > 0) {
    const ids = foreign.map((f) => f.requestId);
    review.push(
      reasonFrom(pack.staffReview, {
        requestIds: ids,
        detail: `Charged in a currency other than the account's ${currency}.`,
      }),
    );
  }

  return {
    outcome: paying.length === 0 ? 'denied' : paying.length === findings.length ? 'approved' : 'partially_approved',
    amount,
    remedy: rule.remedy ?? pack.remedies.default,
    reasons: [umbrellaReason(rule, findings), ...groups.map(verdictReason)],
    arithmetic: [
      ...(findings.length > DETAILED_REQUESTS
        ? groups.map((g) => verdictLine(g, findings, disposition))
        : findings.map((f) => arithmeticLine(f, ledger.get(f.requestId), disposition(f)))),
      `total ${minorUnits(amount)} (${paying.length} of ${findings.length} requests refundable)`,
    ],
    findings,
    review,
  };
}

/**
 * Above this many requests a decision carries its arithmetic per verdict, not per request, and the reason for
 * the claim's rule does not repeat every id (each verdict's reason lists its own): the decision crosses
 * Temporal as one payload, so it stays a summary; each request's finding stays on the decision and in the
 * case file (claims.evidence).
 */
export const DETAILED_REQUESTS = 50;

function umbrellaReason(rule: ReasonRule, findings: RequestFinding[]) {
  if (findings.length <= DETAILED_REQUESTS) return reasonFrom(rule, { requestIds: findings.map((f) => f.requestId) });
  return reasonFrom(rule, { detail: `The claim names ${findings.length} requests; each verdict below lists its own.` });
}

/** "platform_error: 640 requests, 76800 USD minor units refundable": one verdict's share of a big claim. */
function verdictLine(
  [verdict, ids]: [RequestVerdict, string[]],
  findings: RequestFinding[],
  disposition: (f: RequestFinding) => string,
): string {
  const members = findings.filter((f) => f.verdict === verdict);
  const refunded = members.filter((f) => disposition(f) === 'refund');
  const byCurrency = new Map<string, number[]>();
  for (const f of refunded)
    byCurrency.set(f.refundable.currency, [...(byCurrency.get(f.refundable.currency) ?? []), f.refundable.amountMinor]);
  const amounts = [...byCurrency].map(([currency, parts]) => minorUnits({ amountMinor: checkedSum(parts), currency }));
  const what = amounts.length > 0 ? `${amounts.join(' + ')} refundable` : `0 refundable (${disposition(members[0]!)})`;
  return `${verdict}: ${ids.length} request${ids.length === 1 ? '' : 's'}, ${what}`;
}

function groupByVerdict(findings: RequestFinding[]): [RequestVerdict, string[]][] {
  const groups = new Map<RequestVerdict, string[]>();
  for (const f of findings) {
    const ids = groups.get(f.verdict) ?? [];
    ids.push(f.requestId);
    groups.set(f.verdict, ids);
  }
  return [...groups];
}

function arithmeticLine(f: RequestFinding, request: LedgerRequest | undefined, disposition: string): string {
  const status = request && request.httpStatus > 0 ? `HTTP ${request.httpStatus} ` : 'no HTTP status, ';
  const seen = request && f.verdict !== 'other_account' ? `${status}${request.outcome}` : 'not found on your account';
  if (disposition === 'refund') return `${f.requestId}: ${seen}, ${f.verdict}, ${minorUnits(f.refundable)} refundable`;
  const charged = request && f.verdict !== 'other_account' ? `, charged ${minorUnits(f.charged)}` : '';
  const held = disposition === 'review' ? ', held for a person to verify' : '';
  return `${f.requestId}: ${seen}, ${f.verdict}${charged}${held}, 0 refundable`;
}
