import { ulid } from 'ulid';
import { KEYS, type Desk } from '../integration/desk-harness';

/** A plain request that keeps the response headers (the desk harness's call() returns status and body only). */
export async function raw(
  d: Desk,
  method: string,
  path: string,
  options: { headers?: Record<string, string>; body?: unknown } = {},
): Promise<Response> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.body !== undefined) headers['content-type'] ??= 'application/json';
  return fetch(`${d.desk.apiUrl}${path}`, {
    method,
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
    redirect: 'manual',
  });
}

/**
 * A fresh pixazo-api account with `failed` 5xx calls in its ledger, fed through the API; a claim on them is
 * approved and credited automatically.
 */
export async function accountWithFailedCalls(d: Desk, failed = 2) {
  const accountId = `acct_${ulid()}`;
  const email = `${accountId.toLowerCase()}@customer.example`;
  const put = await d.call('PUT', `/v1/accounts/${accountId}`, {
    bearer: KEYS.operator,
    body: { email, policyId: 'pixazo-api' },
  });
  if (put.status !== 201) throw new Error(`account: ${put.status} ${JSON.stringify(put.body)}`);
  const at = new Date(Date.now() - 2 * 86_400_000).toISOString();
  const records = Array.from({ length: failed }, (_, i) => ({
    requestId: `${accountId}_${i}`,
    accountId,
    endpoint: '/v1/images/generate',
    model: 'sdxl',
    httpStatus: 502,
    outcome: 'error',
    amountMinor: 150,
    currency: 'USD',
    outputDelivered: false,
    startedAt: at,
    completedAt: at,
  }));
  const feed = await d.call('POST', '/v1/usage/requests', { bearer: KEYS.operator, body: { records } });
  if (feed.status >= 300) throw new Error(`ledger: ${feed.status} ${JSON.stringify(feed.body)}`);
  return { accountId, email, requestIds: records.map((r) => r.requestId) };
}

/** Submits one claim on the account's failed calls; returns the claim id and token. */
export async function submitClaim(d: Desk, account: { accountId: string; requestIds: string[] }) {
  const res = await d.call('POST', '/v1/claims', {
    body: { accountId: account.accountId, reason: 'failed_request', requestIds: account.requestIds },
  });
  if (res.status !== 202) throw new Error(`claim: ${res.status} ${JSON.stringify(res.body)}`);
  // The answer carries no token (it reaches the customer only by mail); the harness mints the mail's.
  const { claimId } = res.body as { claimId: string };
  return { claimId, claimToken: d.claimToken(claimId) };
}
