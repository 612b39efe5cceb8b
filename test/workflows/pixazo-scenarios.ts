import type { Assessment, ClaimFacts } from '../../common/claim';
import type { LedgerFacts, LedgerRequest } from '../../common/ledger';
import { assessClaim, loadPolicyPacks } from '../../domain/policy';

const SUBMITTED_AT = '2026-11-20T20:00:00.000Z';
const DAY = 86_400_000;

function request(requestId: string, httpStatus: number, daysBeforeClaim: number): LedgerRequest {
  const at = new Date(Date.parse(SUBMITTED_AT) - daysBeforeClaim * DAY).toISOString();
  return {
    requestId,
    accountId: 'acct_wf',
    endpoint: '/v1/images/generate',
    model: 'sdxl',
    httpStatus,
    outcome: httpStatus >= 400 ? 'error' : 'success',
    amountMinor: 120,
    currency: 'USD',
    outputDelivered: httpStatus < 400,
    startedAt: at,
    completedAt: at,
  };
}

const SCENARIOS = {
  two_5xx: [request('req_a', 502, 2), request('req_b', 500, 1)],
  only_4xx: [request('req_a', 400, 2), request('req_b', 429, 1)],
  out_of_window: [request('req_a', 502, 20), request('req_b', 500, 15)],
} satisfies Record<string, LedgerRequest[]>;

/** The real pixazo-api pack and policy engine on an in-memory ledger, as the assessClaim activity would see it. */
export function pixazoAssessment(scenario: keyof typeof SCENARIOS): Assessment {
  const policy = loadPolicyPacks().get('pixazo-api')!;
  const requests = SCENARIOS[scenario];
  const claim: ClaimFacts = {
    claimId: 'clm_wf',
    accountId: 'acct_wf',
    accountEmail: 'wf@example.com',
    reason: 'failed_request',
    requestIds: requests.map((r) => r.requestId),
    transactionId: null,
    invoiceNumber: null,
    explanation: 'calls failed',
    submittedAt: SUBMITTED_AT,
  };
  const facts: LedgerFacts = {
    account: { id: 'acct_wf', email: 'wf@example.com', policyId: 'pixazo-api', status: 'active', currency: 'USD' },
    requests,
    charges: [],
    outages: [],
    alreadyRemedied: [],
  };
  return assessClaim(policy, claim, facts);
}
