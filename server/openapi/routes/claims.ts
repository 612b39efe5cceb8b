import { RevokeTokensBody } from '../../routes/claim-tokens';
import { ClaimBody, ClaimIdParam, CustomerReplyBody, WithdrawBody } from '../../schemas';
import { ClaimAccepted, ClaimStatusReply, ClaimView, TokensRevoked } from '../responses';
import type { RouteDoc } from '../route-doc';
import { z } from 'zod';

const claimId = { claimId: ClaimIdParam.shape.claimId };

/** The customer's side: submit, read, reply, withdraw. */
export const claimDocs: RouteDoc[] = [
  {
    method: 'post',
    path: '/v1/claims',
    summary:
      'Submit a refund claim; the account is named by id or email. The answer is the same whether or not the ' +
      "account exists; the claim's token is mailed to the account's address on file",
    auth: 'public',
    headers: [
      {
        name: 'Idempotency-Key',
        description: 'the same key and body return the same claim (200); another body is a 409',
        schema: z.string().max(200),
      },
    ],
    body: ClaimBody,
    responses: {
      202: {
        description: 'claim received: stored durably, its workflow starts right after (status `received` until then)',
        schema: ClaimAccepted,
      },
      200: { description: 'replay of an earlier submission with the same Idempotency-Key', schema: ClaimAccepted },
    },
    errors: [400, 409, 422, 429],
  },
  {
    method: 'get',
    path: '/v1/claims/:claimId',
    summary: 'Read a claim: status, decision with clauses, deadlines, timeline',
    auth: 'claimTokenOrStaff',
    pathParams: claimId,
    responses: { 200: { description: 'the claim', schema: ClaimView } },
    errors: [401, 404],
  },
  {
    method: 'post',
    path: '/v1/claims/:claimId/reply',
    summary: 'The customer supplies the information asked for',
    auth: 'claimToken',
    pathParams: claimId,
    body: CustomerReplyBody,
    responses: { 200: { description: 'reply recorded', schema: ClaimStatusReply } },
    errors: [400, 404, 409],
  },
  {
    method: 'post',
    path: '/v1/claims/:claimId/withdraw',
    summary: 'The customer withdraws the claim before its remedy starts',
    auth: 'claimToken',
    pathParams: claimId,
    body: WithdrawBody,
    responses: { 200: { description: 'withdrawn', schema: ClaimStatusReply } },
    errors: [400, 404, 409],
  },
];

/** Claim tokens: revocation (README "Claim tokens"). */
export const claimTokenDocs: RouteDoc[] = [
  {
    method: 'post',
    path: '/v1/claims/:claimId/token/revoke',
    summary:
      'Revoke every claim token issued so far (the customer with their token gets a fresh one back; staff but operators may too)',
    auth: 'claimTokenOrStaff',
    pathParams: claimId,
    body: RevokeTokensBody,
    responses: { 200: { description: 'tokens issued before revokedBefore no longer work', schema: TokensRevoked } },
    errors: [400, 401, 403, 404],
  },
];
