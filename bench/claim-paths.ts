/**
 * The five claim paths of P5 (issue 11), driven over the HTTP API as a customer, the staff and the platform
 * would drive them: automatic credit, automatic denial, review → refund → payout, information request → reply,
 * withdrawal. Each path seeds a fresh pixazo-api account through the operator API and ends when the claim has
 * reached its final status. Used by bench/history-size.ts and by test/integration/lean-history.test.ts.
 */
import { ulid } from 'ulid';
import { submissionToken } from '../server/claim-token';
import { DEMO_STAFF_KEYS } from '../server/demo-data';
import { DEV_SECRETS } from '../wiring/secrets';

/** The staff keys a path uses; the dev stack's demo keys unless told otherwise. */
export interface PathKeys {
  operator: string;
  agent: string;
  lead: string;
  finance: string;
}

export const DEMO_PATH_KEYS: PathKeys = {
  operator: process.env.OPERATOR_KEY ?? DEMO_STAFF_KEYS.operator,
  agent: process.env.AGENT_KEY ?? DEMO_STAFF_KEYS.agent,
  lead: process.env.LEAD_KEY ?? DEMO_STAFF_KEYS.lead,
  finance: process.env.FINANCE_KEY ?? DEMO_STAFF_KEYS.finance,
};

export interface ClaimPathRun {
  claimId: string;
  /** The status the claim ended in, as GET /v1/claims/:id reports it. */
  status: string;
}

export interface ClaimPath {
  name: string;
  /** The final status the path must reach. */
  ends: string;
  run(api: PathApi): Promise<ClaimPathRun>;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- API answers are read field by field
type Body = any;

/** The token a stack the bench started in development mode issues: CLAIM_TOKEN_SECRET, else the development one. */
function devClaimToken(claimId: string): string {
  return submissionToken(process.env.CLAIM_TOKEN_SECRET ?? DEV_SECRETS.CLAIM_TOKEN_SECRET, claimId);
}

/** A thin client of the desk's HTTP API. */
export class PathApi {
  constructor(
    readonly apiUrl: string,
    readonly keys: PathKeys = DEMO_PATH_KEYS,
    private readonly timeoutMs = 60_000,
    /** The token the acknowledgement mail's link carries (claim answers carry none); the stack's secret mints it. */
    private readonly tokenFor: (claimId: string) => string = devClaimToken,
  ) {}

  async call(method: string, path: string, bearer?: string, body?: unknown): Promise<{ status: number; body: Body }> {
    const headers: Record<string, string> = {};
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (bearer) headers.authorization = `Bearer ${bearer}`;
    const res = await fetch(`${this.apiUrl}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  }

  async ok(method: string, path: string, bearer?: string, body?: unknown): Promise<Body> {
    const res = await this.call(method, path, bearer, body);
    if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  }

  /** A fresh pixazo-api account with two 5xx calls, one 404 call and a $50 credit purchase in its ledger. */
  async seedAccount(): Promise<{ accountId: string; fivexx: string[]; fourxx: string[]; txn: string }> {
    const accountId = `acct_p5_${ulid()}`;
    await this.ok('PUT', `/v1/accounts/${accountId}`, this.keys.operator, {
      email: `${accountId.toLowerCase()}@customer.example`,
      policyId: 'pixazo-api',
    });
    const at = new Date(Date.now() - 2 * 86_400_000).toISOString();
    const call = (suffix: string, httpStatus: number) => ({
      requestId: `${accountId}_${suffix}`,
      accountId,
      endpoint: '/v1/images/generate',
      model: 'sdxl',
      httpStatus,
      outcome: 'error',
      amountMinor: 150,
      currency: 'USD',
      outputDelivered: false,
      startedAt: at,
      completedAt: at,
    });
    const records = [call('a', 502), call('b', 503), call('c', 404)];
    await this.ok('POST', '/v1/usage/requests', this.keys.operator, { records });
    const txn = `${accountId}_txn`;
    await this.ok('POST', '/v1/usage/charges', this.keys.operator, {
      records: [
        {
          transactionId: txn,
          paymentReference: `pi_${txn}`,
          accountId,
          amountMinor: 5000,
          currency: 'USD',
          kind: 'credit_purchase',
          createdAt: at,
        },
      ],
    });
    return { accountId, fivexx: [`${accountId}_a`, `${accountId}_b`], fourxx: [`${accountId}_c`], txn };
  }

  async submit(body: Record<string, unknown>): Promise<{ claimId: string; claimToken: string }> {
    const { claimId } = await this.ok('POST', '/v1/claims', undefined, body);
    return { claimId, claimToken: this.tokenFor(claimId) };
  }

  /** Polls GET /v1/claims/:id until the claim is in `status`. */
  async waitForStatus(claimId: string, token: string, status: string): Promise<Body> {
    const giveUpAt = Date.now() + this.timeoutMs;
    for (;;) {
      const { body } = await this.call('GET', `/v1/claims/${claimId}`, token);
      if (body?.status === status) return body;
      if (Date.now() > giveUpAt) throw new Error(`claim ${claimId} stayed ${body?.status}, expected ${status}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** A billing-error claim on the account's charge, which pixazo-api sends to a person. */
  async claimInReview(): Promise<{ claimId: string; claimToken: string }> {
    const { accountId, txn } = await this.seedAccount();
    const claim = await this.submit({
      accountId,
      reason: 'billing_error',
      transactionId: txn,
      explanation: 'charged for a pack I did not buy',
    });
    await this.waitForStatus(claim.claimId, claim.claimToken, 'in_review');
    return claim;
  }
}

async function finished(api: PathApi, claim: { claimId: string; claimToken: string }, status: string) {
  const body = await api.waitForStatus(claim.claimId, claim.claimToken, status);
  return { claimId: claim.claimId, status: body.status as string };
}

export const CLAIM_PATHS: readonly ClaimPath[] = [
  {
    name: 'automatic credit',
    ends: 'closed',
    async run(api) {
      const { accountId, fivexx } = await api.seedAccount();
      const claim = await api.submit({ accountId, reason: 'failed_request', requestIds: fivexx });
      return finished(api, claim, 'closed');
    },
  },
  {
    name: 'automatic denial',
    ends: 'denied',
    async run(api) {
      const { accountId, fourxx } = await api.seedAccount();
      const claim = await api.submit({ accountId, reason: 'failed_request', requestIds: fourxx });
      return finished(api, claim, 'denied');
    },
  },
  {
    name: 'review → refund → payout',
    ends: 'closed',
    async run(api) {
      const claim = await api.claimInReview();
      const decision = { outcome: 'approved', amountMinor: 5000, remedy: 'refund' };
      await api.ok('POST', `/v1/cases/${claim.claimId}/decision`, api.keys.lead, decision);
      await api.waitForStatus(claim.claimId, claim.claimToken, 'awaiting_payout');
      await api.ok('POST', `/v1/cases/${claim.claimId}/payout-confirmation`, api.keys.finance, {
        processorReference: `re_${claim.claimId}`,
      });
      return finished(api, claim, 'closed');
    },
  },
  {
    name: 'information request → reply (→ denial)',
    ends: 'denied',
    async run(api) {
      const claim = await api.claimInReview();
      await api.ok('POST', `/v1/cases/${claim.claimId}/request-info`, api.keys.agent, {
        message: 'Which invoice shows the pack?',
      });
      await api.waitForStatus(claim.claimId, claim.claimToken, 'awaiting_customer');
      await api.ok('POST', `/v1/claims/${claim.claimId}/reply`, claim.claimToken, {
        message: 'Invoice 2026-11 shows it twice.',
      });
      await api.waitForStatus(claim.claimId, claim.claimToken, 'in_review');
      // The path ends with a decision so that its history is complete and comparable run to run.
      await api.ok('POST', `/v1/cases/${claim.claimId}/decision`, api.keys.lead, {
        outcome: 'denied',
        remedy: 'none',
        note: 'the invoice shows one purchase',
      });
      return finished(api, claim, 'denied');
    },
  },
  {
    name: 'withdrawal',
    ends: 'withdrawn',
    async run(api) {
      const claim = await api.claimInReview();
      await api.ok('POST', `/v1/claims/${claim.claimId}/withdraw`, claim.claimToken, {});
      return finished(api, claim, 'withdrawn');
    },
  },
];
