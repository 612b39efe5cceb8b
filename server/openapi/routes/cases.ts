import { CaseQuery, ClaimIdParam, DecisionBody, InfoRequestBody, PayoutConfirmationBody } from '../../schemas';
import { CaseDecided, CaseList, CaseView, ClaimStatusReply, PayoutConfirmed } from '../responses';
import type { RouteDoc } from '../route-doc';
import { AttentionBody } from '../../attention-body';

const claimId = { claimId: ClaimIdParam.shape.claimId };

/** Support and finance work on cases. */
export const caseDocs: RouteDoc[] = [
  {
    method: 'get',
    path: '/v1/cases',
    summary:
      'List cases, soonest due first then by id, a page at a time: follow `next` as `cursor` (agent, lead, finance, admin)',
    auth: 'staff',
    query: CaseQuery,
    responses: { 200: { description: 'matching cases', schema: CaseList } },
    errors: [400, 401, 403],
  },
  {
    method: 'get',
    path: '/v1/cases/:claimId',
    summary:
      "A case as a reviewer reads it: the customer's words, ledger evidence, holds, proposal, deadlines, mails (agent, lead, finance, admin)",
    auth: 'staff',
    pathParams: claimId,
    responses: { 200: { description: 'the case', schema: CaseView } },
    errors: [401, 403, 404],
  },
  {
    method: 'post',
    path: '/v1/cases/:claimId/decision',
    summary: 'Decide a case in review (lead, admin)',
    auth: 'staff',
    pathParams: claimId,
    body: DecisionBody,
    responses: {
      200: { description: 'the decision as recorded (again for the same decision sent twice)', schema: CaseDecided },
    },
    errors: [400, 401, 403, 404, 409, 422],
  },
  {
    method: 'post',
    path: '/v1/cases/:claimId/request-info',
    summary: 'Ask the customer for information (agent, lead, admin)',
    auth: 'staff',
    pathParams: claimId,
    body: InfoRequestBody,
    responses: { 200: { description: 'the customer was asked', schema: ClaimStatusReply } },
    errors: [400, 401, 403, 404, 409],
  },
  {
    method: 'post',
    path: '/v1/cases/:claimId/payout-confirmation',
    summary: 'Confirm a refund payout was sent (finance, admin)',
    auth: 'staff',
    pathParams: claimId,
    body: PayoutConfirmationBody,
    responses: { 200: { description: 'payout confirmed (again for the same reference)', schema: PayoutConfirmed } },
    errors: [400, 401, 403, 404, 409],
  },
  {
    method: 'post',
    path: '/v1/cases/:claimId/attention',
    summary:
      'Answer a claim in needs_attention: retry it from the start once the cause is fixed, or close it without a remedy (lead, admin)',
    auth: 'staff',
    pathParams: claimId,
    body: AttentionBody,
    responses: { 200: { description: 'the status the claim moved to', schema: ClaimStatusReply } },
    errors: [400, 401, 403, 404, 409],
  },
];
