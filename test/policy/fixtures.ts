import path from 'node:path';
import type { ClaimFacts } from '../../common/claim';
import type { LedgerAccount, LedgerCharge, LedgerFacts, LedgerOutage, LedgerRequest } from '../../common/ledger';
import { loadPolicyPacks, type LoadedPolicy } from '../../domain/policy';

/** Shared builders: one account, calls on 5 May 2026, claim submitted 10 May 2026. */

/** The published policy texts the packs quote, copied word for word into the repository. */
export const SEED_DIR = path.resolve(__dirname, '../../policies/sources');
export const POLICIES = loadPolicyPacks();

export function policy(id: string): LoadedPolicy {
  const loaded = POLICIES.get(id);
  if (!loaded) throw new Error(`no policy ${id}`);
  return loaded;
}

export const SUBMITTED_AT = '2026-05-10T15:00:00Z';
export const ACCOUNT_ID = 'acct_1';

export function claim(overrides: Partial<ClaimFacts> = {}): ClaimFacts {
  return {
    claimId: 'clm_1',
    accountId: ACCOUNT_ID,
    accountEmail: 'dev@example.com',
    reason: 'failed_request',
    requestIds: [],
    transactionId: null,
    invoiceNumber: null,
    explanation: 'The calls failed.',
    submittedAt: SUBMITTED_AT,
    ...overrides,
  };
}

export function request(requestId: string, overrides: Partial<LedgerRequest> = {}): LedgerRequest {
  return {
    requestId,
    accountId: ACCOUNT_ID,
    endpoint: '/v1/generate',
    model: 'model-a',
    httpStatus: 200,
    outcome: 'success',
    amountMinor: 120,
    currency: 'USD',
    outputDelivered: true,
    startedAt: '2026-05-05T12:00:00Z',
    completedAt: '2026-05-05T12:00:30Z',
    ...overrides,
  };
}

export const failed5xx = (id: string, overrides: Partial<LedgerRequest> = {}) =>
  request(id, { httpStatus: 502, outcome: 'error', outputDelivered: false, ...overrides });
export const failed4xx = (id: string, overrides: Partial<LedgerRequest> = {}) =>
  request(id, { httpStatus: 400, outcome: 'error', outputDelivered: false, ...overrides });
export const timedOut = (id: string, overrides: Partial<LedgerRequest> = {}) =>
  request(id, { httpStatus: 0, outcome: 'timeout', outputDelivered: false, completedAt: null, ...overrides });

export function charge(transactionId: string, overrides: Partial<LedgerCharge> = {}): LedgerCharge {
  return {
    transactionId,
    invoiceNumber: `inv_${transactionId}`,
    paymentReference: `pay_${transactionId}`,
    accountId: ACCOUNT_ID,
    amountMinor: 1500,
    currency: 'USD',
    kind: 'credit_purchase',
    periodStart: null,
    periodEnd: null,
    createdAt: '2026-05-04T09:00:00Z',
    ...overrides,
  };
}

export function outage(id: string, overrides: Partial<LedgerOutage> = {}): LedgerOutage {
  return {
    id,
    startedAt: '2026-05-05T11:50:00Z',
    endedAt: '2026-05-05T12:30:00Z',
    scheduled: false,
    forceMajeure: false,
    cause: 'inference cluster down',
    ...overrides,
  };
}

export interface LedgerParts {
  account?: Partial<LedgerAccount>;
  requests?: LedgerRequest[];
  charges?: LedgerCharge[];
  outages?: LedgerOutage[];
  alreadyRemedied?: LedgerFacts['alreadyRemedied'];
  chargeRemedies?: LedgerFacts['chargeRemedies'];
  creditBalance?: LedgerFacts['creditBalance'];
}

export function ledger(policyId: string, parts: LedgerParts = {}): LedgerFacts {
  return {
    account: {
      id: ACCOUNT_ID,
      email: 'dev@example.com',
      policyId,
      status: 'active',
      currency: 'USD',
      ...parts.account,
    },
    requests: parts.requests ?? [],
    charges: parts.charges ?? [],
    outages: parts.outages ?? [],
    alreadyRemedied: parts.alreadyRemedied ?? [],
    chargeRemedies: parts.chargeRemedies ?? [],
    ...(parts.creditBalance && { creditBalance: parts.creditBalance }),
  };
}

export const STAFF = { type: 'staff', id: 'agent_7' } as const;

/** Whitespace-normalised seed text, for checking quotations. */
export function normalise(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
