import type { ClaimFacts, RequestFinding, RequestVerdict } from '../../common/claim';
import type { LedgerFacts, LedgerOutage, LedgerRequest } from '../../common/ledger';
import { money, zero } from '../../common/money';
import { windowApplies, withinClaimWindow } from './claim-window';
import { epochMs } from './instant';
import type { LoadedPolicy } from './loaded';
import { isEligibleOutage, outageInterval, overlapsRequest } from './outages';
import type { PolicyPack } from './schema';

/**
 * One finding per claimed request id (duplicates in the claim collapse to one).
 * Check order, first match wins:
 *  1. not_found       – the ledger has no such request, so nothing else can be known;
 *  2. other_account   – before anything else so another account's usage is never described;
 *  3. already_remedied – an earlier claim already credited or refunded this call;
 *  4. outside_window  – a late claim is late whatever happened to the call;
 *  5. not_charged     – nothing was charged, so there is nothing to give back;
 *  6. client_error    – HTTP 4xx;
 *  7. platform_error  – HTTP 5xx (including gateway timeouts that reached the client as 504);
 *  8. timeouts        – during an unscheduled, non-force-majeure outage, else unverified;
 *  9. output check    – charged without output, else a successful call.
 */
export function classifyRequests(policy: LoadedPolicy, claim: ClaimFacts, facts: LedgerFacts): RequestFinding[] {
  const { pack } = policy;
  const ledger = new Map(facts.requests.map((r) => [r.requestId, r]));
  const remedied = new Set(facts.alreadyRemedied.map((r) => r.requestId));
  return [...new Set(claim.requestIds)].map((requestId) => {
    const request = ledger.get(requestId);
    const verdict = request ? verdictFor(pack, claim, request, facts.outages, remedied) : 'not_found';
    // Another account's charge is not the claimant's money, so it is reported as zero.
    const charged =
      request && verdict !== 'other_account'
        ? money(request.amountMinor, request.currency)
        : zero(facts.account.currency);
    const refundable = pack.requests[verdict].disposition === 'refund' ? charged : zero(charged.currency);
    return { requestId, verdict, refundable, charged };
  });
}

function verdictFor(
  pack: PolicyPack,
  claim: ClaimFacts,
  request: LedgerRequest,
  outages: LedgerOutage[],
  remedied: ReadonlySet<string>,
): RequestVerdict {
  if (request.accountId !== claim.accountId) return 'other_account';
  if (remedied.has(request.requestId)) return 'already_remedied';
  // Pay-per-use calls are metered when made, so startedAt is both the failed call and its charge date.
  if (windowApplies(pack, claim.reason) && !withinClaimWindow(pack, request.startedAt, claim.submittedAt)) {
    return 'outside_window';
  }
  if (request.amountMinor <= 0) return 'not_charged';
  if (request.httpStatus >= 400 && request.httpStatus < 500) return 'client_error';
  if (request.httpStatus >= 500 && request.httpStatus < 600) return 'platform_error';
  if (request.outcome === 'timeout') {
    return timedOutDuringOutage(request, outages, claim.submittedAt)
      ? 'platform_timeout_during_outage'
      : 'unverified_timeout';
  }
  return request.outputDelivered ? 'successful_call' : 'charged_without_output';
}

function timedOutDuringOutage(request: LedgerRequest, outages: LedgerOutage[], submittedAt: string): boolean {
  const start = epochMs(request.startedAt);
  const end = request.completedAt === null ? start : epochMs(request.completedAt);
  const now = epochMs(submittedAt);
  return outages.some((o) => isEligibleOutage(o) && overlapsRequest(outageInterval(o, now), start, end));
}
