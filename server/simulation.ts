import { z } from 'zod';
import { CLAIM_REASONS } from '../common/claim';
import { ACCOUNT_STATUSES } from '../common/ledger';
import type { SimulationInput, SimulationResult } from '../domain/policy';
import { decisionView } from './decision-view';
import { ChargeRecord, OutageRecord, UsageRequestRecord } from './schemas';

const SIMULATED_ACCOUNT = 'acct_simulation';
const id = z.string().trim().min(1).max(200);
const simulatedAccount = { accountId: id.default(SIMULATED_ACCOUNT) };

/** A claim plus the ledger facts it should be judged on; nothing is read from or written to the database. */
export const SimulationBody = z
  .object({
    claim: z
      .object({
        reason: z.enum(CLAIM_REASONS),
        requestIds: z.array(id).max(10_000).default([]),
        transactionId: id.optional(),
        invoiceNumber: id.optional(),
        explanation: z.string().trim().min(1).max(20_000).optional(),
        accountEmail: z.email().default('customer@simulation.invalid'),
        submittedAt: z.iso.datetime({ offset: true }).optional(),
      })
      .strict(),
    ledger: z
      .object({
        account: z
          .object({ status: z.enum(ACCOUNT_STATUSES).default('active'), currency: z.string().regex(/^[A-Z]{3}$/).default('USD') })
          .strict()
          .default({ status: 'active', currency: 'USD' }),
        requests: z.array(UsageRequestRecord.extend(simulatedAccount)).max(10_000).default([]),
        charges: z.array(ChargeRecord.extend(simulatedAccount)).max(1_000).default([]),
        outages: z.array(OutageRecord).max(1_000).default([]),
        /** Claimed requests earlier claims already credited or refunded. */
        alreadyRemedied: z.array(z.object({ requestId: id, claimId: id }).strict()).max(10_000).default([]),
      })
      .strict()
      .default({ account: { status: 'active', currency: 'USD' }, requests: [], charges: [], outages: [], alreadyRemedied: [] }),
    /** A draft policy pack to try instead of the published version. */
    pack: z.record(z.string(), z.unknown()).optional(),
  })
  .strict();

export type SimulationRequest = z.infer<typeof SimulationBody>;

export function toSimulationInput(body: SimulationRequest, now: Date): SimulationInput {
  const { claim, ledger } = body;
  return {
    claim: {
      claimId: 'simulation',
      accountId: SIMULATED_ACCOUNT,
      accountEmail: claim.accountEmail,
      reason: claim.reason,
      requestIds: [...new Set(claim.requestIds)],
      transactionId: claim.transactionId ?? null,
      invoiceNumber: claim.invoiceNumber ?? null,
      explanation: claim.explanation ?? null,
      submittedAt: new Date(claim.submittedAt ?? now).toISOString(),
    },
    facts: {
      account: { id: SIMULATED_ACCOUNT, email: claim.accountEmail, policyId: '', ...ledger.account },
      requests: ledger.requests.map((r) => ({ ...r, startedAt: iso(r.startedAt), completedAt: r.completedAt && iso(r.completedAt) })),
      charges: ledger.charges.map((c) => ({
        ...c, createdAt: iso(c.createdAt), periodStart: c.periodStart && iso(c.periodStart), periodEnd: c.periodEnd && iso(c.periodEnd),
      })),
      outages: ledger.outages.map((o) => ({ ...o, startedAt: iso(o.startedAt), endedAt: o.endedAt && iso(o.endedAt) })),
      alreadyRemedied: ledger.alreadyRemedied,
    },
  };
}

function iso(instant: string): string {
  return new Date(instant).toISOString();
}

/** The same decision structure a real claim shows, plus what the engine would ask for or escalate. */
export function simulationView(result: SimulationResult, draft: boolean) {
  const { assessment } = result;
  return {
    policy: { ...result.policy, draft },
    assessment: assessment.kind,
    decision:
      assessment.kind === 'decided' ? decisionView(assessment.decision, 'staff')
      : assessment.kind === 'needs_review' ? decisionView(assessment.proposal, 'staff')
      : null,
    missing: assessment.kind === 'needs_info' ? assessment.missing : [],
    why: assessment.kind === 'decided' ? [] : assessment.why,
  };
}
