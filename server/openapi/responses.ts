import { z } from 'zod';
import {
  CHANNELS,
  CLAIM_ITEMS,
  CLAIM_REASONS,
  CLAIM_STATUSES,
  DEADLINE_KINDS,
  DECISION_OUTCOMES,
  REMEDIES,
  REQUEST_VERDICTS,
} from '../../common/claim';
import { ACCOUNT_STATUSES, CHARGE_KINDS, REQUEST_OUTCOMES } from '../../common/ledger';
import { GRANT_KINDS, MOVEMENT_KINDS } from '../../domain/credits';
import { PolicyPackSchema } from '../../domain/policy/schema';

/**
 * What the API sends back, as zod schemas for the OpenAPI document. Strict objects: a field a handler
 * adds without documenting it fails test/operations/openapi.test.ts, which checks real responses.
 */

const instant = z.string().describe('ISO-8601 instant');
const minor = z.number().int().describe('integer minor units (cents)');
const currency = z.string().regex(/^[A-Z]{3}$/);
const claimStatus = z.enum(CLAIM_STATUSES);
const actorType = z.enum(['customer', 'staff', 'system', 'timer']);
const Actor = z.strictObject({ type: actorType, id: z.string() });
const Money = z.strictObject({ amountMinor: minor, currency });
const PolicyRef = z.strictObject({ id: z.string(), version: z.string() });

/** Any error: a message for people, and details (zod issues, a refusal's type) for programs. */
export const ErrorBody = z.strictObject({
  error: z.string().describe('what went wrong and how to fix it'),
  details: z
    .unknown()
    .optional()
    .describe('for 400: the invalid fields [{path, message}]; for refusals: {type, details}'),
  retryable: z
    .literal(true)
    .optional()
    .describe('the claim is between two states: send the same request again after Retry-After seconds'),
  requestId: z.string().describe('the id of this request in the server log (also the X-Request-Id header); quote it'),
});

const DecisionReason = z.strictObject({
  code: z.string(),
  clause: z.string(),
  quote: z.string(),
  message: z.string(),
  requestIds: z.array(z.string()).optional(),
  transactionId: z.string().optional(),
});

/** A decision as claim views and the simulator show it (staff see who decided). */
export const DecisionView = z.strictObject({
  outcome: z.enum(DECISION_OUTCOMES),
  amountMinor: minor,
  currency,
  remedy: z.enum(REMEDIES),
  reasons: z.array(DecisionReason),
  arithmetic: z.array(z.string()),
  findings: z.array(
    z.strictObject({
      requestId: z.string(),
      verdict: z.enum(REQUEST_VERDICTS),
      refundableMinor: minor,
      chargedMinor: minor,
    }),
  ),
  decidedBy: z.strictObject({ type: actorType, id: z.string().optional().describe('staff only') }),
  policy: PolicyRef,
  note: z.string().nullable(),
});

/** A decision as the claim workflow records it, returned by POST /v1/cases/:claimId/decision. */
export const Decision = z.strictObject({
  outcome: z.enum(DECISION_OUTCOMES),
  amount: Money,
  remedy: z.enum(REMEDIES),
  reasons: z.array(DecisionReason),
  arithmetic: z.array(z.string()),
  findings: z.array(
    z.strictObject({ requestId: z.string(), verdict: z.enum(REQUEST_VERDICTS), refundable: Money, charged: Money }),
  ),
  decidedBy: Actor,
  policy: PolicyRef,
  note: z.string().optional(),
  chargeShares: z
    .array(z.strictObject({ transactionId: z.string(), amount: Money }))
    .optional()
    .describe('the part of each charge paid back'),
});

export const ClaimAccepted = z.strictObject({
  claimId: z.string(),
  status: claimStatus,
  acknowledgement: z
    .string()
    .describe(
      "where the claim's token went: the acknowledgement mail to the account's address on file carries the link " +
        'with it; the answer is the same whether or not the account exists',
    ),
  links: z.strictObject({ self: z.string() }),
});

const deadline = {
  kind: z.enum(DEADLINE_KINDS),
  dueAt: instant,
  businessDays: z.number().int(),
  clause: z.string(),
  state: z.enum(['open', 'met', 'breached', 'cancelled']),
};

/** The claim as its customer (or, with the optional fields, staff) sees it. */
export const ClaimView = z.strictObject({
  claimId: z.string(),
  status: claimStatus,
  reason: z.enum(CLAIM_REASONS),
  channel: z.enum(CHANNELS),
  submittedAt: instant,
  accountId: z.string(),
  requestIds: z.array(z.string()),
  transactionId: z.string().nullable(),
  invoiceNumber: z.string().nullable(),
  explanation: z.string().nullable(),
  policy: PolicyRef,
  decision: DecisionView.nullable(),
  deadlines: z.array(z.strictObject(deadline)),
  evidence: z.array(z.unknown()).optional().describe('staff only'),
  escalatedAt: instant.nullable().optional().describe('staff only'),
  escalationLevel: z.string().nullable().optional().describe('staff only'),
  timeline: z.array(
    z.strictObject({
      at: instant,
      type: z.string(),
      from: claimStatus.nullable(),
      to: claimStatus.nullable(),
      why: z.string(),
      actor: z.strictObject({ type: actorType, id: z.string().optional().describe('staff only') }),
    }),
  ),
});

/** An action on a claim answered with the status it left the claim in. */
export const ClaimStatusReply = z.strictObject({ claimId: z.string(), status: claimStatus });

/** Why a claim needs attention: the failure retrying could not fix, kept until a person retries or closes it. */
export const Attention = z
  .strictObject({
    errorType: z
      .string()
      .describe('e.g. PayloadTooLarge, MoneyOverflow, ActivityBug, RetriesExhausted, PolicyViolation'),
    message: z.string(),
    activity: z.string().nullable(),
    clause: z.string().nullable(),
    from: claimStatus.nullable().describe('the status the claim stopped in'),
    at: instant,
  })
  .nullable();

export const TokensRevoked = z.strictObject({
  claimId: z.string(),
  revokedBefore: z.string().describe('tokens issued before this instant are refused'),
  claimToken: z.string().optional().describe("a fresh token, when the claim's customer revoked"),
});

export const CaseList = z.strictObject({
  cases: z.array(
    z.strictObject({
      claimId: z.string(),
      status: claimStatus,
      reason: z.enum(CLAIM_REASONS),
      accountId: z.string(),
      policyId: z.string(),
      submittedAt: instant,
      nextDueAt: instant.nullable().describe('the earliest SLA deadline still running; the list is sorted by it'),
      escalatedAt: instant.nullable(),
      escalationLevel: z.string().nullable(),
      outcome: z.enum(DECISION_OUTCOMES).nullable(),
      attention: Attention,
    }),
  ),
  next: z.string().nullable().describe('pass as `cursor` for the page after this one; null on the last page'),
});

/** The decision as recorded; the same decision sent again by the same person gets this answer again. */
export const CaseDecided = z.strictObject({ claimId: z.string(), status: claimStatus, decision: Decision });

export const PayoutConfirmed = z.strictObject({
  claimId: z.string(),
  status: claimStatus,
  message: z.string().optional().describe('present when the same confirmation was sent again after the claim closed'),
});

/** What a reviewer reads before deciding: the customer's words, the ledger's evidence, who already paid what. */
export const CaseView = z.strictObject({
  claimId: z.string(),
  status: claimStatus,
  attention: Attention,
  reason: z.enum(CLAIM_REASONS),
  channel: z.enum(CHANNELS),
  submittedAt: instant,
  account: z.strictObject({ id: z.string(), email: z.string(), status: z.enum(ACCOUNT_STATUSES), currency }),
  customer: z.strictObject({
    explanation: z.string().nullable(),
    requestIds: z.array(z.string()),
    transactionId: z.string().nullable(),
    invoiceNumber: z.string().nullable(),
  }),
  policy: PolicyRef,
  evidence: z.strictObject({
    requests: z.array(
      z.union([
        z.strictObject({
          requestId: z.string(),
          found: z.literal(false),
          verdict: z.enum(REQUEST_VERDICTS).nullable(),
          note: z.string(),
        }),
        z.strictObject({
          requestId: z.string(),
          found: z.literal(true),
          verdict: z.enum(REQUEST_VERDICTS).nullable(),
          endpoint: z.string(),
          httpStatus: z.number().int().nullable().describe('null when no response came back'),
          outcome: z.enum(REQUEST_OUTCOMES),
          chargedMinor: minor,
          currency,
          outputDelivered: z.boolean(),
          startedAt: instant,
          completedAt: instant.nullable(),
          outages: z.array(
            z.strictObject({
              id: z.string(),
              cause: z.string(),
              scheduled: z.boolean(),
              forceMajeure: z.boolean(),
              eligible: z.boolean(),
            }),
          ),
        }),
      ]),
    ),
    charges: z.array(
      z.strictObject({
        transactionId: z.string(),
        invoiceNumber: z.string().nullable(),
        claimed: z.boolean(),
        amountMinor: minor,
        currency,
        kind: z.enum(CHARGE_KINDS),
        paymentReference: z.string().nullable(),
        billingPeriod: z.strictObject({ start: instant, end: instant }).nullable(),
        chargedAt: instant,
        remainingMinor: minor.describe('what other claims have not taken of this charge'),
      }),
    ),
  }),
  remedies: z.array(
    z.strictObject({
      claimId: z.string(),
      thisClaim: z.boolean(),
      requestId: z.string().nullable(),
      transactionId: z.string().nullable(),
      amountMinor: minor,
      currency,
      state: z.enum(['pending', 'remedied']),
      remedy: z.enum(['credit', 'service_credit', 'refund']).nullable(),
    }),
  ),
  proposal: DecisionView.nullable().describe("the engine's conclusion before a person decided"),
  decision: DecisionView.nullable(),
  deadlines: z.array(
    z.strictObject({
      ...deadline,
      overdue: z.boolean().optional().describe('open deadlines only'),
      businessDaysLeft: z.number().int().optional().describe('open deadlines only'),
    }),
  ),
  escalatedAt: instant.nullable(),
  escalationLevel: z.string().nullable(),
  timeline: z.array(
    z.strictObject({
      at: instant,
      type: z.string(),
      from: claimStatus.nullable(),
      to: claimStatus.nullable(),
      why: z.string(),
      actor: Actor,
    }),
  ),
  mails: z.array(z.strictObject({ key: z.string(), recipient: z.string(), subject: z.string(), sentAt: instant })),
});

export const AccountSaved = z.strictObject({
  id: z.string(),
  email: z.string(),
  policyId: z.string(),
  status: z.enum(ACCOUNT_STATUSES),
  currency,
  credits: z
    .strictObject({
      forfeited: z.boolean(),
      clause: z.string(),
      grants: z.array(z.strictObject({ grantId: z.string(), amountMinor: minor, currency })),
    })
    .optional()
    .describe('present when the account was terminated: what its credits became, citing the pack'),
});

export const LedgerBatchResult = z.strictObject({
  received: z.number().int(),
  inserted: z.number().int(),
  duplicates: z.number().int().describe('records already in the ledger, skipped'),
});

const CreditGrant = z.strictObject({
  id: z.string(),
  accountId: z.string(),
  kind: z.enum(GRANT_KINDS),
  amountMinor: minor,
  remainingMinor: minor,
  currency,
  grantedAt: instant,
  expiresAt: instant.nullable(),
  source: z.string(),
  policy: PolicyRef,
  expiryClause: z.string(),
});

export const CreditStatement = z.strictObject({
  accountId: z.string(),
  status: z.enum(ACCOUNT_STATUSES),
  policyId: z.string(),
  balances: z.array(z.strictObject({ currency, balanceMinor: minor, availableMinor: minor })),
  grants: z.array(CreditGrant),
  movements: z.array(
    z.strictObject({
      id: z.string(),
      accountId: z.string(),
      grantId: z.string(),
      kind: z.enum(MOVEMENT_KINDS),
      amountMinor: minor,
      currency,
      at: instant,
      actor: z.string(),
      why: z.string(),
      operation: z.string(),
    }),
  ),
  movementCount: z.number().int(),
});

export const CreditGranted = z.strictObject({ grant: CreditGrant, replayed: z.boolean() });

export const CreditConsumed = z.strictObject({
  operation: z.string(),
  consumed: Money,
  parts: z.array(z.strictObject({ grantId: z.string(), amountMinor: minor })),
  replayed: z.boolean().describe('true when this idempotency key was already used and nothing new happened'),
});

export const PolicyList = z.strictObject({
  policies: z.array(
    z.strictObject({
      id: z.string(),
      version: z.string(),
      title: z.string(),
      calendar: PolicyPackSchema.shape.calendar,
      sla: PolicyPackSchema.shape.sla,
    }),
  ),
});

export const PolicyVersion = z.strictObject({ id: z.string(), version: z.string(), pack: PolicyPackSchema });

export const SimulationView = z.strictObject({
  policy: z.strictObject({ id: z.string(), version: z.string(), draft: z.boolean() }),
  status: claimStatus.describe('the status a real claim would be in'),
  proposal: DecisionView.nullable().describe("the engine's proposal while a person has to decide"),
  decision: DecisionView.nullable().describe('set only when the engine decides alone'),
  missing: z.array(z.enum(CLAIM_ITEMS)),
  why: z.array(DecisionReason),
  deadlines: z.array(
    z.strictObject({
      kind: z.enum(DEADLINE_KINDS),
      dueAt: instant,
      businessDays: z.number().int(),
      clause: z.string(),
    }),
  ),
});

const Probe = z.strictObject({ ok: z.boolean(), error: z.string().optional() });
export const Health = z.strictObject({ status: z.enum(['ok', 'degraded']), postgres: Probe, temporal: Probe });
