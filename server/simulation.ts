import { z } from 'zod';
import { CLAIM_REASONS, type Assessment, type ClaimStatus, type Deadline, type DeadlineKind } from '../common/claim';
import { ACCOUNT_STATUSES } from '../common/ledger';
import { deadlineFor, type LoadedPolicy, type SimulationInput, type SimulationResult } from '../domain/policy';
import { decisionView } from './decision-view';
import { CHARGE_SIGN, ChargeFields, CurrencyCode, Instant, MinorUnits, RecordId } from '../common/ledger-records';
import { OutageRecord, UsageRequestRecord } from './schemas';

const SIMULATED_ACCOUNT = 'acct_simulation';
const id = RecordId;
const simulatedAccount = { accountId: id.default(SIMULATED_ACCOUNT) };

/** "No response came back" is `null` here, as a person would write it; the ledger stores it as 0. */
const simulatedRequest = UsageRequestRecord.extend({
  ...simulatedAccount,
  endpoint: z.string().min(1).max(500).default('(not given)'),
  httpStatus: z.union([z.literal(0), z.number().int().min(100).max(599)]).nullable(),
});

/**
 * A claim plus the ledger facts it should be judged on; nothing is read from or written to the database.
 * The claim takes the fields of POST /v1/claims (plus `submittedAt`, the moment to judge it at).
 */
export const SimulationBody = z
  .object({
    claim: z
      .object({
        accountId: id.optional(),
        email: z.email().default('customer@simulation.invalid'),
        reason: z.enum(CLAIM_REASONS),
        requestIds: z.array(id).max(10_000).default([]),
        transactionId: id.optional(),
        invoiceNumber: id.optional(),
        explanation: z.string().trim().min(1).max(20_000).optional(),
        submittedAt: Instant.optional(),
      })
      .strict(),
    ledger: z
      .object({
        account: z
          .object({
            status: z.enum(ACCOUNT_STATUSES).default('active'),
            currency: CurrencyCode.default('USD'),
          })
          .strict()
          .default({ status: 'active', currency: 'USD' }),
        requests: z.array(simulatedRequest).max(10_000).default([]),
        charges: z
          .array(
            ChargeFields.extend(simulatedAccount)
              .refine(CHARGE_SIGN.check, CHARGE_SIGN.rule)
              .meta(CHARGE_SIGN.jsonSchema),
          )
          .max(1_000)
          .default([]),
        outages: z
          .array(OutageRecord.extend({ cause: z.string().min(1).max(2000).default('(not given)') }))
          .max(1_000)
          .default([]),
        /** Claimed requests earlier claims already credited or refunded. */
        alreadyRemedied: z
          .array(z.object({ requestId: id, claimId: id }).strict())
          .max(10_000)
          .default([]),
        /** The account's unused credit balance in minor units, for unused-credits claims. */
        creditBalanceMinor: MinorUnits.optional(),
      })
      .strict()
      .default({
        account: { status: 'active', currency: 'USD' },
        requests: [],
        charges: [],
        outages: [],
        alreadyRemedied: [],
      }),
    /** A draft policy pack to try instead of the published version. */
    pack: z.record(z.string(), z.unknown()).optional(),
  })
  .strict();

export type SimulationRequest = z.infer<typeof SimulationBody>;

export function toSimulationInput(body: SimulationRequest, now: Date): SimulationInput {
  const { claim, ledger } = body;
  const accountId = claim.accountId ?? SIMULATED_ACCOUNT;
  const own = <T extends { accountId: string }>(r: T) => ({
    ...r,
    accountId: r.accountId === SIMULATED_ACCOUNT ? accountId : r.accountId,
  });
  return {
    claim: {
      claimId: 'simulation',
      accountId,
      accountEmail: claim.email,
      reason: claim.reason,
      requestIds: [...new Set(claim.requestIds)],
      transactionId: claim.transactionId ?? null,
      invoiceNumber: claim.invoiceNumber ?? null,
      explanation: claim.explanation ?? null,
      submittedAt: new Date(claim.submittedAt ?? now).toISOString(),
    },
    facts: {
      account: { id: accountId, email: claim.email, policyId: '', ...ledger.account },
      requests: ledger.requests.map((r) => ({
        ...own(r),
        httpStatus: r.httpStatus ?? 0,
        startedAt: iso(r.startedAt),
        completedAt: r.completedAt && iso(r.completedAt),
      })),
      charges: ledger.charges.map((c) => ({
        ...own(c),
        createdAt: iso(c.createdAt),
        periodStart: c.periodStart && iso(c.periodStart),
        periodEnd: c.periodEnd && iso(c.periodEnd),
      })),
      outages: ledger.outages.map((o) => ({ ...o, startedAt: iso(o.startedAt), endedAt: o.endedAt && iso(o.endedAt) })),
      alreadyRemedied: ledger.alreadyRemedied,
      ...(ledger.creditBalanceMinor !== undefined && {
        creditBalance: { amountMinor: ledger.creditBalanceMinor, currency: ledger.account.currency },
      }),
    },
  };
}

function iso(instant: string): string {
  return new Date(instant).toISOString();
}

/** The status a real claim would be in after this assessment, as GET /v1/claims shows it. */
function statusAfter(assessment: Assessment): ClaimStatus {
  if (assessment.kind === 'needs_info') return 'awaiting_customer';
  if (assessment.kind === 'needs_review') return 'in_review';
  const { outcome, remedy } = assessment.decision;
  if (outcome === 'denied') return 'denied';
  return remedy === 'refund' ? 'awaiting_payout' : 'closed';
}

/** The deadlines a real claim submitted at `submittedAt` would get in this status. */
function deadlinesFor(policy: LoadedPolicy, status: ClaimStatus, submittedAt: string): Deadline[] {
  const kinds: DeadlineKind[] = ['review_warning', 'review', 'resolution'];
  if (status === 'awaiting_customer') kinds.push('customer_reply');
  if (status === 'awaiting_payout') kinds.push('payout');
  return kinds.map((kind) => deadlineFor(policy, kind, submittedAt));
}

/**
 * What a real claim would show: its status, the engine's proposal while a person has to decide (a decision
 * only once decided), what is missing, why a person looks, and the deadlines it would get.
 */
export function simulationView(result: SimulationResult, policy: LoadedPolicy, submittedAt: string, draft: boolean) {
  const { assessment } = result;
  const status = statusAfter(assessment);
  return {
    policy: { ...result.policy, draft },
    status,
    proposal: assessment.kind === 'needs_review' ? decisionView(assessment.proposal, 'staff') : null,
    decision: assessment.kind === 'decided' ? decisionView(assessment.decision, 'staff') : null,
    missing: assessment.kind === 'needs_info' ? assessment.missing : [],
    why: assessment.kind === 'decided' ? [] : assessment.why,
    deadlines: deadlinesFor(policy, status, submittedAt),
  };
}
