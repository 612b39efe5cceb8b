import { z } from 'zod';
import {
  AccountBody, ChargeBatch, ClaimBody, CustomerReplyBody, DecisionBody, InfoRequestBody, OutageBatch,
  PayoutConfirmationBody, UsageRequestBatch, WithdrawBody,
} from './schemas';
import { CreditConsumeBody, CreditGrantBody } from './routes/credits';
import { SimulationBody } from './simulation';

const schema = (s: z.ZodType) => z.toJSONSchema(s, { io: 'input', unrepresentable: 'any' });
const json = (s: z.ZodType) => ({ required: true, content: { 'application/json': { schema: schema(s) } } });
const staff = [{ staffKey: [] }];
const customer = [{ claimToken: [] }];
const responses = (ok: string) => ({
  [ok]: { description: 'success' },
  '400': { description: 'invalid input: the message says which field and why' },
  '401': { description: 'missing or unknown credentials' },
  '403': { description: 'this role may not take this action' },
  '404': { description: 'no such resource' },
  '409': { description: 'conflicts with the current state (or an Idempotency-Key reused with another body)' },
  '422': { description: 'well-formed but refused by the policy or the ledger' },
});
const claimId = [{ name: 'claimId', in: 'path', required: true, schema: { type: 'string' } }];

/** Built from the same zod schemas the handlers validate with, so the document cannot drift. */
export function openApiDocument() {
  return {
    openapi: '3.1.0',
    info: { title: 'Refund Desk API', version: '0.1.0', description: 'Refund claims and chargebacks for pay-per-use AI API platforms.' },
    components: {
      securitySchemes: {
        staffKey: { type: 'http', scheme: 'bearer', description: 'Staff API key with a role: agent, lead, finance, admin, operator' },
        claimToken: { type: 'http', scheme: 'bearer', description: 'The claimToken returned when the claim was submitted' },
      },
    },
    paths: {
      '/v1/accounts/{accountId}': { put: { summary: 'Create or update an account (operator)', security: staff, parameters: [{ ...claimId[0], name: 'accountId' }], requestBody: json(AccountBody), responses: responses('200') } },
      '/v1/usage/requests': { post: { summary: 'Feed API requests into the usage ledger (operator)', security: staff, requestBody: json(UsageRequestBatch), responses: responses('200') } },
      '/v1/usage/charges': { post: { summary: 'Feed charges into the usage ledger (operator)', security: staff, requestBody: json(ChargeBatch), responses: responses('200') } },
      '/v1/usage/outages': { post: { summary: 'Feed outages into the usage ledger (operator)', security: staff, requestBody: json(OutageBatch), responses: responses('200') } },
      '/v1/claims': {
        post: {
          summary: 'Submit a refund claim',
          parameters: [{ name: 'Idempotency-Key', in: 'header', required: false, schema: { type: 'string', maxLength: 200 } }],
          requestBody: json(ClaimBody),
          responses: responses('202'),
        },
      },
      '/v1/claims/{claimId}': { get: { summary: 'Read a claim (its customer or staff)', security: [...customer, ...staff], parameters: claimId, responses: responses('200') } },
      '/v1/claims/{claimId}/reply': { post: { summary: 'Customer supplies requested information', security: customer, parameters: claimId, requestBody: json(CustomerReplyBody), responses: responses('200') } },
      '/v1/claims/{claimId}/withdraw': { post: { summary: 'Customer withdraws the claim before the remedy', security: customer, parameters: claimId, requestBody: json(WithdrawBody), responses: responses('200') } },
      '/v1/cases': { get: { summary: 'List cases (staff)', security: staff, parameters: ['status', 'overdue', 'escalated', 'limit'].map((name) => ({ name, in: 'query', required: false, schema: { type: 'string' } })), responses: responses('200') } },
      '/v1/cases/{claimId}/decision': { post: { summary: 'Decide a case in review (lead, admin)', security: staff, parameters: claimId, requestBody: json(DecisionBody), responses: responses('200') } },
      '/v1/cases/{claimId}/request-info': { post: { summary: 'Ask the customer for information (agent, lead, admin)', security: staff, parameters: claimId, requestBody: json(InfoRequestBody), responses: responses('200') } },
      '/v1/cases/{claimId}/payout-confirmation': { post: { summary: 'Confirm a refund payout was sent (finance, admin)', security: staff, parameters: claimId, requestBody: json(PayoutConfirmationBody), responses: responses('200') } },
      '/v1/policies': { get: { summary: 'Published policy packs', responses: responses('200') } },
      '/v1/policies/{policyId}/simulate': { post: { summary: 'Evaluate a claim against supplied ledger facts, optionally under a draft pack; starts nothing (any staff role)', security: staff, parameters: [{ ...claimId[0], name: 'policyId' }], requestBody: json(SimulationBody), responses: responses('200') } },
      '/v1/accounts/{accountId}/credits': { get: { summary: 'Credit balance, grants and movements (any staff role)', security: staff, parameters: [{ ...claimId[0], name: 'accountId' }], responses: responses('200') } },
      '/v1/accounts/{accountId}/credits/grants': { post: { summary: 'Grant purchased or promotional credits (operator, admin)', security: staff, parameters: [{ ...claimId[0], name: 'accountId' }], requestBody: json(CreditGrantBody), responses: responses('201') } },
      '/v1/accounts/{accountId}/credits/consume': { post: { summary: 'Consume credits, soonest-expiring first (operator, admin); honours Idempotency-Key', security: staff, parameters: [{ ...claimId[0], name: 'accountId' }], requestBody: json(CreditConsumeBody), responses: responses('200') } },
      '/v1/policies/{policyId}': { get: { summary: 'One policy pack', parameters: [{ ...claimId[0], name: 'policyId' }], responses: responses('200') } },
      '/healthz': { get: { summary: 'Whether Temporal and PostgreSQL can be reached', responses: { '200': { description: 'healthy' }, '503': { description: 'degraded' } } } },
    },
  };
}
