import { z } from 'zod';
import { CLAIM_REASONS, CLAIM_STATUSES, CHANNELS, DEADLINE_KINDS, REQUEST_VERDICTS } from '../../common/claim';
import { ACCOUNT_STATUSES, CHARGE_KINDS, REQUEST_OUTCOMES } from '../../common/ledger';
import { DecisionView } from './responses';

const instant = z.string().describe('ISO-8601 instant');
const minor = z.number().int().describe('integer minor units (cents)');
const claimStatus = z.enum(CLAIM_STATUSES);

const RequestEvidence = z.union([
  z.strictObject({
    requestId: z.string(), found: z.literal(true), verdict: z.enum(REQUEST_VERDICTS).nullable(), endpoint: z.string(),
    httpStatus: z.number().int().nullable().describe('null: no response came back'), outcome: z.enum(REQUEST_OUTCOMES),
    chargedMinor: minor, currency: z.string(), outputDelivered: z.boolean(), startedAt: instant, completedAt: instant.nullable(),
    outages: z.array(z.strictObject({ id: z.string(), cause: z.string(), scheduled: z.boolean(), forceMajeure: z.boolean(), eligible: z.boolean() })),
  }),
  z.strictObject({
    requestId: z.string(), found: z.literal(false), verdict: z.enum(REQUEST_VERDICTS).nullable(),
    note: z.literal('not found on your account'),
  }),
]);

/** GET /v1/cases/:claimId: the whole case a reviewer decides on. */
export const CaseView = z.strictObject({
  claimId: z.string(),
  status: claimStatus,
  reason: z.enum(CLAIM_REASONS),
  channel: z.enum(CHANNELS),
  submittedAt: instant,
  account: z.strictObject({ id: z.string(), email: z.string(), status: z.enum(ACCOUNT_STATUSES), currency: z.string() }),
  customer: z.strictObject({
    explanation: z.string().nullable(), requestIds: z.array(z.string()), transactionId: z.string().nullable(), invoiceNumber: z.string().nullable(),
  }),
  policy: z.strictObject({ id: z.string(), version: z.string() }),
  evidence: z.strictObject({
    requests: z.array(RequestEvidence),
    charges: z.array(z.strictObject({
      transactionId: z.string(), invoiceNumber: z.string().nullable(), claimed: z.boolean(), amountMinor: minor, currency: z.string(),
      kind: z.enum(CHARGE_KINDS), paymentReference: z.string().nullable(),
      billingPeriod: z.strictObject({ start: instant, end: instant }).nullable(), chargedAt: instant,
      remainingMinor: minor.describe('what other claims have not remedied or reserved of this charge'),
    })),
  }),
  remedies: z.array(z.strictObject({
    claimId: z.string(), thisClaim: z.boolean(), requestId: z.string().nullable(), transactionId: z.string().nullable(),
    amountMinor: minor, currency: z.string(), state: z.enum(['pending', 'remedied']),
    remedy: z.enum(['credit', 'service_credit', 'refund']).nullable(),
  })).describe('what is reserved or already remedied for these items, and by which claims'),
  proposal: DecisionView.nullable().describe("the engine's conclusion before any person"),
  decision: DecisionView.nullable(),
  deadlines: z.array(z.strictObject({
    kind: z.enum(DEADLINE_KINDS), dueAt: instant, businessDays: z.number().int(), clause: z.string(),
    state: z.enum(['open', 'met', 'breached', 'cancelled']),
    overdue: z.boolean().optional(), businessDaysLeft: z.number().int().optional().describe('open deadlines only'),
  })),
  escalatedAt: instant.nullable(),
  escalationLevel: z.string().nullable(),
  timeline: z.array(z.strictObject({
    at: instant, type: z.string(), from: claimStatus.nullable(), to: claimStatus.nullable(), why: z.string(),
    actor: z.strictObject({ type: z.enum(['customer', 'staff', 'system', 'timer']), id: z.string() }),
  })),
  mails: z.array(z.strictObject({ key: z.string(), recipient: z.string(), subject: z.string(), sentAt: instant })),
});
