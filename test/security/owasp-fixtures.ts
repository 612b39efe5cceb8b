import { ulid } from 'ulid';
import { registerStaffKeys } from '../../server/auth';
import { KEYS, waitForClaimStatus, type Desk } from '../integration/desk-harness';

/** Every kind of caller the API knows: nobody, a customer holding a claim token, and each staff role. */
export const PRINCIPALS = ['anonymous', 'customer', 'agent', 'lead', 'finance', 'admin', 'operator'] as const;
export type Principal = (typeof PRINCIPALS)[number];

/** Staff keys for the roles the desk harness registers; admin gets one of its own (see `registerAdmin`). */
export const ADMIN_KEY = 'owasp-admin-key';

/** The desk harness registers agent, lead, finance and operator keys; the role table also names admin. */
export async function registerAdmin(d: Desk): Promise<void> {
  await registerStaffKeys(d.db, [{ role: 'admin', name: 'owasp-admin', key: ADMIN_KEY }]);
}

export const staffKey = (p: Exclude<Principal, 'anonymous' | 'customer'>): string =>
  p === 'admin' ? ADMIN_KEY : KEYS[p];

export interface CustomerClaim {
  claimId: string;
  claimToken: string;
  accountId: string;
  email: string;
}

/** A fresh account on `policyId` with 5xx calls of `amountMinor` each, fed in with the operator key. */
export async function accountWithFailedCalls(
  d: Desk,
  amountMinor: number,
  policyId = 'pixazo-api',
): Promise<{ accountId: string; email: string; requestIds: string[] }> {
  const accountId = `acct_${ulid()}`;
  const email = `${accountId.toLowerCase()}@customer.example`;
  const put = await d.call('PUT', `/v1/accounts/${accountId}`, {
    bearer: KEYS.operator,
    body: { email, policyId },
  });
  if (put.status !== 201) throw new Error(`account: ${put.status} ${JSON.stringify(put.body)}`);
  const at = new Date(Date.now() - 86_400_000).toISOString();
  const records = ['a', 'b'].map((suffix, i) => ({
    requestId: `${accountId}_${suffix}`,
    accountId,
    endpoint: '/v1/images/generate',
    model: 'sdxl',
    httpStatus: 502 + i,
    outcome: 'error',
    amountMinor,
    currency: 'USD',
    outputDelivered: false,
    startedAt: at,
    completedAt: at,
  }));
  const fed = await d.call('POST', '/v1/usage/requests', { bearer: KEYS.operator, body: { records } });
  if (fed.status !== 200) throw new Error(`ledger: ${fed.status} ${JSON.stringify(fed.body)}`);
  return { accountId, email, requestIds: records.map((r) => r.requestId) };
}

/**
 * A customer's claim on two failed calls, submitted through the API and left in `status`: `closed` for small calls
 * the engine credits alone, `in_review` for calls above the automatic limit (§5.3).
 */
export async function customerClaim(d: Desk, status: 'closed' | 'in_review'): Promise<CustomerClaim> {
  const { accountId, email, requestIds } = await accountWithFailedCalls(d, status === 'closed' ? 150 : 6000);
  const submitted = await d.call('POST', '/v1/claims', {
    body: { accountId, reason: 'failed_request', requestIds, explanation: 'two calls failed with a 5xx' },
  });
  if (submitted.status !== 202) throw new Error(`claim: ${submitted.status} ${JSON.stringify(submitted.body)}`);
  // The answer carries no token (only the acknowledgement mail's link does); mint the mail's.
  const { claimId } = submitted.body as { claimId: string };
  const claimToken = d.claimToken(claimId);
  await waitForClaimStatus(d, claimId, claimToken, status);
  return { claimId, claimToken, accountId, email };
}
