import type { Decision, RequestFinding, RequestVerdict } from '../common/claim';
import type { LedgerFacts, LedgerRequest } from '../common/ledger';
import type { Db } from '../db';
import { listCustomerMails } from '../db/case-file';
import { listDeadlines, type ClaimRecord } from '../db/claims';
import { listClaimEvents, type ClaimEvent } from '../db/events';
import { fetchLedgerFacts } from '../db/ledger';
import { holdsOnItems } from '../db/remedies';
import type { PolicyStore } from '../db/policies';
import { businessDaysBetween, type BusinessCalendar } from '../domain/calendar/business-days';
import { chargeRemainder } from '../domain/policy/remainder';
import { isEligibleOutage, outageInterval, overlapsRequest } from '../domain/policy/outages';
import { decisionView } from './decision-view';

/** What a reviewer reads before deciding: the customer's words, the ledger's evidence, who already paid what. */
export async function caseView(db: Db, policies: PolicyStore, claim: ClaimRecord) {
  const [facts, deadlines, events, mails, policy] = await Promise.all([
    fetchLedgerFacts(db, claim),
    listDeadlines(db, claim.claimId),
    listClaimEvents(db, claim.claimId),
    listCustomerMails(db, claim.claimId),
    policies.pinned(claim.policyId, claim.policyVersion),
  ]);
  const ownRequests = facts.requests.filter((r) => r.accountId === claim.accountId);
  const holds = await holdsOnItems(
    db,
    ownRequests.map((r) => r.requestId),
    facts.charges.map((c) => c.transactionId),
  );
  const proposal = engineProposal(events, claim.decision);
  const now = new Date();
  return {
    claimId: claim.claimId,
    status: claim.status,
    attention: claim.attention,
    reason: claim.reason,
    channel: claim.channel,
    submittedAt: claim.submittedAt,
    account: {
      id: claim.accountId,
      email: claim.accountEmail,
      status: facts.account.status,
      currency: facts.account.currency,
    },
    customer: {
      explanation: claim.explanation,
      requestIds: claim.requestIds,
      transactionId: claim.transactionId,
      invoiceNumber: claim.invoiceNumber,
    },
    policy: { id: claim.policyId, version: claim.policyVersion },
    evidence: {
      requests: requestsEvidence(claim, facts, findingsOf(claim, proposal)),
      charges: facts.charges.map((c) => ({
        transactionId: c.transactionId,
        invoiceNumber: c.invoiceNumber,
        claimed:
          c.transactionId === claim.transactionId ||
          (c.invoiceNumber !== null && c.invoiceNumber === claim.invoiceNumber),
        amountMinor: c.amountMinor,
        currency: c.currency,
        kind: c.kind,
        paymentReference: c.paymentReference,
        billingPeriod: c.periodStart && c.periodEnd ? { start: c.periodStart, end: c.periodEnd } : null,
        chargedAt: c.createdAt,
        // What other claims have not taken of it (facts list other claims' holds only).
        remainingMinor: chargeRemainder(c, facts).remaining.amountMinor,
      })),
    },
    remedies: holds.map((h) => ({
      claimId: h.claimId,
      thisClaim: h.claimId === claim.claimId,
      requestId: h.requestId,
      transactionId: h.transactionId,
      amountMinor: h.amountMinor,
      currency: h.currency,
      state: h.state,
      remedy: h.remedy,
    })),
    proposal: proposal && decisionView(proposal, 'staff'),
    decision: claim.decision && decisionView(claim.decision, 'staff'),
    deadlines: deadlines.map((d) => ({
      ...d,
      ...(d.state === 'open' && businessDaysLeft(now, new Date(d.dueAt), policy.pack.calendar)),
    })),
    escalatedAt: claim.escalatedAt,
    escalationLevel: claim.escalationLevel,
    timeline: events.map((e) => ({ at: e.at, type: e.type, from: e.from, to: e.to, why: e.why, actor: e.actor })),
    mails,
  };
}

/** The engine's conclusion: the proposal it sent to review, or the decision it took alone. */
function engineProposal(events: ClaimEvent[], decision: Decision | null): Decision | null {
  const sent = events.filter((e) => e.type === 'sent_to_review').at(-1);
  if (sent?.data.proposal) return sent.data.proposal as Decision;
  return decision?.decidedBy.type === 'system' ? decision : null;
}

function findingsOf(claim: ClaimRecord, proposal: Decision | null): RequestFinding[] {
  return claim.decision?.findings.length
    ? claim.decision.findings
    : (proposal?.findings ?? (claim.evidence as RequestFinding[]));
}

/** Each claimed request by id lookups, so a claim of many ids costs linear time, not ids × ledger rows. */
function requestsEvidence(claim: ClaimRecord, facts: LedgerFacts, findings: RequestFinding[]) {
  const own = new Map(facts.requests.filter((r) => r.accountId === claim.accountId).map((r) => [r.requestId, r]));
  const verdicts = new Map(findings.map((f) => [f.requestId, f.verdict]));
  const outagesOf = (r: LedgerRequest) => overlappingOutages(r, facts, claim.submittedAt);
  return claim.requestIds.map((id) => requestEvidence(id, own.get(id), verdicts.get(id) ?? null, outagesOf));
}

/** A request as the ledger has it; another account's request is only "not found on your account". */
function requestEvidence(
  requestId: string,
  request: LedgerRequest | undefined,
  verdict: RequestVerdict | null,
  outagesOf: (r: LedgerRequest) => ReturnType<typeof overlappingOutages>,
) {
  if (!request)
    return {
      requestId,
      found: false,
      verdict: verdict === 'other_account' ? 'not_found' : verdict,
      note: 'not found on your account',
    };
  return {
    requestId,
    found: true,
    verdict,
    endpoint: request.endpoint,
    httpStatus: request.httpStatus === 0 ? null : request.httpStatus,
    outcome: request.outcome,
    chargedMinor: request.amountMinor,
    currency: request.currency,
    outputDelivered: request.outputDelivered,
    startedAt: request.startedAt,
    completedAt: request.completedAt,
    outages: outagesOf(request),
  };
}

function overlappingOutages(request: LedgerRequest, facts: LedgerFacts, submittedAt: string) {
  const start = Date.parse(request.startedAt);
  const end = request.completedAt === null ? start : Date.parse(request.completedAt);
  return facts.outages
    .filter((o) => overlapsRequest(outageInterval(o, Date.parse(submittedAt)), start, end))
    .map((o) => ({
      id: o.id,
      cause: o.cause,
      scheduled: o.scheduled,
      forceMajeure: o.forceMajeure,
      eligible: isEligibleOutage(o),
    }));
}

function businessDaysLeft(now: Date, due: Date, calendar: BusinessCalendar) {
  if (due <= now) return { overdue: true, businessDaysLeft: 0 };
  return { overdue: false, businessDaysLeft: businessDaysBetween(now, due, calendar) };
}
