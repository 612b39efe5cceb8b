import { AccountBody, ChargeBatch, OutageBatch, UsageRequestBatch } from '../../schemas';
import { CreditConsumeBody, CreditGrantBody, StatementQuery } from '../../routes/credits';
import { AccountSaved, CreditConsumed, CreditGranted, CreditStatement, LedgerBatchResult } from '../responses';
import type { RouteDoc } from '../route-doc';
import { z } from 'zod';

const batch = (what: string, body: RouteDoc['body']): RouteDoc => ({
  method: 'post',
  path: `/v1/usage/${what}`,
  summary: `Feed ${what} into the usage ledger, all or nothing (operator, admin)`,
  auth: 'staff',
  body,
  responses: { 200: { description: 'stored; known ids counted as duplicates', schema: LedgerBatchResult } },
  errors: [400, 401, 403, 413, 422],
});

/** How the platform feeds accounts, its usage ledger and credits. */
export const ledgerDocs: RouteDoc[] = [
  {
    method: 'put',
    path: '/v1/accounts/:accountId',
    summary: 'Create or update an account; termination forfeits credits where the pack says so (operator, admin)',
    auth: 'staff',
    body: AccountBody,
    responses: {
      201: { description: 'account created', schema: AccountSaved },
      200: { description: 'account updated', schema: AccountSaved },
    },
    // 409: the email already belongs to another account.
    errors: [400, 401, 403, 409, 422],
  },
  batch('requests', UsageRequestBatch),
  batch('charges', ChargeBatch),
  batch('outages', OutageBatch),
  {
    method: 'get',
    path: '/v1/accounts/:accountId/credits',
    summary: 'Credit balance, grants and latest movements (any staff role)',
    auth: 'staff',
    query: StatementQuery,
    responses: { 200: { description: 'the statement', schema: CreditStatement } },
    errors: [400, 401, 403, 404],
  },
  {
    method: 'post',
    path: '/v1/accounts/:accountId/credits/grants',
    summary: 'Grant purchased or promotional credits, once per source (operator, admin)',
    auth: 'staff',
    body: CreditGrantBody,
    responses: {
      201: { description: 'granted', schema: CreditGranted },
      200: { description: 'already granted: the same grant', schema: CreditGranted },
    },
    errors: [400, 401, 403, 404, 409, 422],
  },
  {
    method: 'post',
    path: '/v1/accounts/:accountId/credits/consume',
    summary: 'Consume credits, soonest-expiring first; needs an idempotency key (operator, admin)',
    auth: 'staff',
    body: CreditConsumeBody,
    responses: { 200: { description: 'consumed, or the replay of the same key', schema: CreditConsumed } },
    headers: [
      { name: 'Idempotency-Key', description: 'or the body field idempotencyKey', schema: z.string().max(200) },
    ],
    errors: [400, 401, 403, 404, 409, 422],
  },
];
