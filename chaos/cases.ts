import Stripe from 'stripe';
import { ulid } from 'ulid';
import { claimWorkflowId } from '../common/ids';
import { chargebackWorkflowId } from '../common/chargeback';
import type { Db } from '../db';
import { auditChargeback, claimStatuses } from '../db/chaos-audit';
import { call, ok } from './http';
import { CHAOS_KEYS, CHAOS_STRIPE_SECRET } from './stack';

/** The three money paths faults are injected into. */
export type PathName = 'credit' | 'payout' | 'chargeback';
export const PATHS: readonly PathName[] = ['credit', 'payout', 'chargeback'];

/** One claim or one dispute the chaos run started, and what its driver has done so far. */
export interface ChaosCase {
  path: PathName;
  tag: string;
  accountId: string;
  email: string;
  workflowId: string;
  claimId: string | null;
  chargebackId: string | null;
  /** Processor events the desk acknowledged (200), each sent twice. */
  eventIds: string[];
  status: string | null;
  done: boolean;
  /** Why the case is a loss: not settled in time, or an answer the driver did not expect. */
  error: string | null;
  /** The last action that failed; retried at the next poll, and named if the case never settles. */
  lastError: string | null;
}

const HOUR = 3_600_000;
/** The decision staff takes on a refund claim, and its payout. */
export const REFUND_MINOR = 1000;
export const CHARGE_MINOR = 5000;
const FINAL_CLAIM = new Set(['closed', 'denied', 'withdrawn', 'abandoned', 'resolved_by_chargeback']);

const domainOf: Record<PathName, string> = {
  credit: 'pixazo-customer.example',
  payout: 'pixazo-customer.example',
  chargeback: 'apiany-customer.example',
};
const policyOf: Record<PathName, string> = { credit: 'pixazo-api', payout: 'pixazo-api', chargeback: 'apiany' };

export function newCase(path: PathName): ChaosCase {
  const tag = `${path.slice(0, 2)}${ulid().toLowerCase()}`;
  return {
    path,
    tag,
    accountId: `acct_chaos_${tag}`,
    email: `c-${tag}@${domainOf[path]}`,
    workflowId: '',
    claimId: null,
    chargebackId: null,
    eventIds: [],
    status: null,
    done: false,
    error: null,
    lastError: null,
  };
}

const at = (hoursAgo: number) => new Date(Date.now() - hoursAgo * HOUR).toISOString();

/** Feeds the accounts and usage ledger of new cases through the operator API, as the platform does. */
export async function seedCases(apiUrl: string, cases: ChaosCase[]): Promise<void> {
  const key = CHAOS_KEYS.operator;
  await Promise.all(
    cases.map((c) =>
      ok(`${apiUrl}/v1/accounts/${c.accountId}`, {
        method: 'PUT',
        key,
        body: { email: c.email, policyId: policyOf[c.path] },
      }),
    ),
  );
  const requests = cases
    .filter((c) => c.path === 'credit')
    .flatMap((c) =>
      [502, 500].map((httpStatus, i) => ({
        requestId: `req_${c.tag}_5xx_${i + 1}`,
        accountId: c.accountId,
        endpoint: '/v1/images/generate',
        model: 'sdxl-turbo',
        httpStatus,
        outcome: 'error',
        amountMinor: 120,
        currency: 'USD',
        outputDelivered: false,
        startedAt: at(30 - i),
        completedAt: at(30 - i),
      })),
    );
  if (requests.length) await ok(`${apiUrl}/v1/usage/requests`, { method: 'POST', key, body: { records: requests } });
  const charges = cases
    .filter((c) => c.path !== 'credit')
    .map((c) => ({
      transactionId: `txn_${c.tag}`,
      paymentReference: `pi_${c.tag}`,
      accountId: c.accountId,
      amountMinor: CHARGE_MINOR,
      currency: 'USD',
      kind: 'credit_purchase',
      createdAt: at(48),
    }));
  if (charges.length) await ok(`${apiUrl}/v1/usage/charges`, { method: 'POST', key, body: { records: charges } });
  await Promise.all(
    cases
      .filter((c) => c.path === 'chargeback')
      .map((c) =>
        ok(`${apiUrl}/v1/accounts/${c.accountId}/credits/grants`, {
          method: 'POST',
          key,
          body: { kind: 'purchased', amountMinor: CHARGE_MINOR, transactionId: `txn_${c.tag}` },
        }),
      ),
  );
}

/** The customer's claim (credit and payout paths) through POST /v1/claims. */
async function submitClaim(apiUrl: string, c: ChaosCase): Promise<void> {
  const body =
    c.path === 'credit'
      ? {
          accountId: c.accountId,
          reason: 'failed_request',
          requestIds: [`req_${c.tag}_5xx_1`, `req_${c.tag}_5xx_2`],
          explanation: 'Two generations failed with 5xx.',
        }
      : {
          accountId: c.accountId,
          reason: 'billing_error',
          transactionId: `txn_${c.tag}`,
          explanation: 'I was charged $50 but my plan is $40.',
        };
  const answer = await ok(`${apiUrl}/v1/claims`, { method: 'POST', body, headers: { 'idempotency-key': c.tag } });
  c.claimId = String(answer.body.claimId);
  c.workflowId = claimWorkflowId(c.claimId);
}

/** A Stripe dispute event, signed with the chaos stack's endpoint secret, delivered twice (Stripe retries). */
async function sendDisputeEvent(apiUrl: string, c: ChaosCase, kind: 'created' | 'closed'): Promise<void> {
  const created = Math.floor(Date.now() / 1000) + (kind === 'closed' ? 1 : 0);
  const eventId = `evt_${c.tag}_${kind}`;
  const payload = JSON.stringify({
    id: eventId,
    object: 'event',
    type: `charge.dispute.${kind}`,
    created,
    data: {
      object: {
        id: `dp_${c.tag}`,
        object: 'dispute',
        amount: CHARGE_MINOR,
        currency: 'usd',
        charge: `ch_${c.tag}`,
        payment_intent: `pi_${c.tag}`,
        reason: 'fraudulent',
        status: kind === 'closed' ? 'lost' : 'needs_response',
        evidence_details: { due_by: created + 7 * 86_400 },
      },
    },
  });
  for (let delivery = 0; delivery < 2; delivery++) {
    const signature = Stripe.webhooks.generateTestHeaderString({ payload, secret: CHAOS_STRIPE_SECRET });
    const answer = await ok(`${apiUrl}/v1/webhooks/stripe`, {
      method: 'POST',
      raw: payload,
      headers: { 'stripe-signature': signature },
    });
    c.chargebackId = String(answer.body.chargebackId);
  }
  c.workflowId = chargebackWorkflowId(c.chargebackId!);
  c.eventIds.push(eventId);
}

/** Starts a case: the claim is submitted, or the dispute's first event delivered. */
export async function startCase(apiUrl: string, c: ChaosCase): Promise<void> {
  if (c.path === 'chargeback') await sendDisputeEvent(apiUrl, c, 'created');
  else await submitClaim(apiUrl, c);
}

/**
 * Moves the live cases one step where a person or the processor has to act: a lead decides the refund,
 * finance confirms its payout, the processor closes the dispute as lost and a lead reinstates the account.
 * Polls the cases' rows until stopped; cases may be added while it runs.
 */
export class CaseDriver {
  readonly cases: ChaosCase[] = [];
  private stopped = false;
  private readonly busy = new Set<ChaosCase>();
  private loop: Promise<void> | null = null;

  constructor(
    private readonly apiUrl: string,
    private readonly db: Db,
    private readonly intervalMs = 300,
  ) {}

  add(cases: ChaosCase[]): void {
    this.cases.push(...cases);
    this.loop ??= this.run();
  }

  /** Resolves when every case given is done, or marks the rest as not settled at the deadline. */
  async settle(cases: ChaosCase[], timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (cases.some((c) => !c.done)) {
      if (Date.now() > deadline) {
        for (const c of cases.filter((x) => !x.done)) {
          const last = c.lastError ? `; last failure: ${c.lastError}` : '';
          c.error = `not settled within ${Math.round(timeoutMs / 1000)} s (last seen ${c.status ?? 'nowhere'}${last})`;
          c.done = true;
        }
        return;
      }
      await sleep(250);
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.loop;
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      const live = this.cases.filter((c) => !c.done && !this.busy.has(c));
      const statuses = live.length ? await readStatuses(this.db, live).catch(() => null) : null;
      for (const c of live) {
        const status = statuses?.get(c) ?? null; // null: not visible yet, or PostgreSQL is restarting
        if (status === null) continue;
        c.status = status;
        this.busy.add(c);
        void act(this.apiUrl, c, status)
          .catch((err: unknown) => {
            c.lastError = (err as Error).message; // the next poll tries again
          })
          .finally(() => this.busy.delete(c));
      }
      await sleep(this.intervalMs);
    }
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function readStatuses(db: Db, live: ChaosCase[]): Promise<Map<ChaosCase, string>> {
  const claims = live.filter((c) => c.claimId);
  const byId = await claimStatuses(
    db,
    claims.map((c) => c.claimId!),
  );
  const out = new Map<ChaosCase, string>();
  for (const c of claims) {
    const s = byId.get(c.claimId!);
    if (s) out.set(c, s);
  }
  for (const c of live.filter((x) => x.chargebackId)) {
    const cb = await auditChargeback(db, c.chargebackId!);
    if (cb) out.set(c, cb.status === 'open' && cb.holdState === 'held' && cb.deadlinesPlanned ? 'opened' : cb.status);
  }
  return out;
}

async function act(apiUrl: string, c: ChaosCase, status: string): Promise<void> {
  if (c.path === 'chargeback') return actOnDispute(apiUrl, c, status);
  if (FINAL_CLAIM.has(status)) {
    c.done = true;
    return;
  }
  if (c.path !== 'payout') return;
  if (status === 'in_review') {
    const answer = await call(`${apiUrl}/v1/cases/${c.claimId}/decision`, {
      method: 'POST',
      key: CHAOS_KEYS.lead,
      body: { outcome: 'partially_approved', amountMinor: REFUND_MINOR, remedy: 'refund', note: 'overcharged' },
    });
    expectAnswer(c, 'decision', answer.status, [200, 409]);
  } else if (status === 'awaiting_payout') {
    const answer = await call(`${apiUrl}/v1/cases/${c.claimId}/payout-confirmation`, {
      method: 'POST',
      key: CHAOS_KEYS.finance,
      body: { processorReference: `re_${c.tag}` },
    });
    expectAnswer(c, 'payout confirmation', answer.status, [200, 409]);
  }
}

async function actOnDispute(apiUrl: string, c: ChaosCase, status: string): Promise<void> {
  if (status === 'closed') {
    c.done = true;
  } else if (status === 'opened' && c.eventIds.length === 1) {
    await sendDisputeEvent(apiUrl, c, 'closed');
  } else if (status === 'lost') {
    const answer = await call(`${apiUrl}/v1/chargebacks/${c.chargebackId}/reinstate`, {
      method: 'POST',
      key: CHAOS_KEYS.lead,
      body: { why: 'first chargeback; customer confirmed the purchase' },
    });
    expectAnswer(c, 'reinstatement', answer.status, [200, 409]);
  }
}

/** 409 is fine when the same action already went through (the next poll sees the claim moved on). */
function expectAnswer(c: ChaosCase, what: string, status: number, allowed: number[]): void {
  if (!allowed.includes(status)) throw new Error(`${what} on ${c.claimId ?? c.chargebackId} answered ${status}`);
}
