import { z } from 'zod';
import { CLAIM_REASONS, CLAIM_STATUSES, DECISION_OUTCOMES, REMEDIES } from '../common/claim';
import { ACCOUNT_STATUSES, CHARGE_KINDS, REQUEST_OUTCOMES } from '../common/ledger';

const id = z.string().trim().min(1).max(200);
const currency = z.string().regex(/^[A-Z]{3}$/, 'currency must be a 3-letter ISO 4217 code such as "USD"');
const minorUnits = z.number().int('amounts are integer minor units (cents), never decimals').min(0).max(Number.MAX_SAFE_INTEGER);
const instant = z.iso.datetime({ offset: true });
/** Ledger batches are bounded so one request stays one transaction of reasonable size. */
const batch = <T extends z.ZodType>(record: T) => z.object({ records: z.array(record).min(1).max(50_000) }).strict();

export const AccountBody = z
  .object({
    email: z.email(),
    policyId: id,
    status: z.enum(ACCOUNT_STATUSES).default('active'),
    currency: currency.default('USD'),
  })
  .strict();

export const UsageRequestRecord = z
  .object({
    requestId: id,
    accountId: id,
    endpoint: z.string().min(1).max(500),
    model: z.string().max(200).nullable().default(null),
    /** 0 when no HTTP response came back, e.g. a timeout. */
    httpStatus: z.union([z.literal(0), z.number().int().min(100).max(599)]),
    outcome: z.enum(REQUEST_OUTCOMES),
    amountMinor: minorUnits,
    currency,
    outputDelivered: z.boolean(),
    startedAt: instant,
    completedAt: instant.nullable().default(null),
  })
  .strict();

export const ChargeRecord = z
  .object({
    transactionId: id,
    invoiceNumber: id.nullable().default(null),
    paymentReference: id.nullable().default(null),
    accountId: id,
    amountMinor: z.number().int().min(-Number.MAX_SAFE_INTEGER).max(Number.MAX_SAFE_INTEGER),
    currency,
    kind: z.enum(CHARGE_KINDS),
    periodStart: instant.nullable().default(null),
    periodEnd: instant.nullable().default(null),
    createdAt: instant,
  })
  .strict();

export const OutageRecord = z
  .object({
    id,
    startedAt: instant,
    endedAt: instant.nullable().default(null),
    scheduled: z.boolean().default(false),
    forceMajeure: z.boolean().default(false),
    cause: z.string().min(1).max(2000),
  })
  .strict();

export const UsageRequestBatch = batch(UsageRequestRecord);
export const ChargeBatch = batch(ChargeRecord);
export const OutageBatch = batch(OutageRecord);

const EvidenceItem = z
  .object({
    kind: z.enum(['error_log', 'screenshot', 'response_body', 'note', 'other']),
    description: z.string().max(2000).optional(),
    content: z.string().max(100_000).optional(),
    url: z.url().optional(),
  })
  .strict();

export const ClaimBody = z
  .object({
    accountId: id.optional(),
    email: z.email().optional(),
    reason: z.enum(CLAIM_REASONS),
    requestIds: z.array(id).max(10_000).default([]),
    transactionId: id.optional(),
    invoiceNumber: id.optional(),
    explanation: z.string().trim().min(1).max(20_000).optional(),
    evidence: z.array(EvidenceItem).max(50).default([]),
  })
  .strict()
  .refine((c) => c.accountId || c.email, { message: 'identify the account by accountId or email', path: ['accountId'] });

export const CustomerReplyBody = z
  .object({
    requestIds: z.array(id).max(10_000).optional(),
    transactionId: id.optional(),
    invoiceNumber: id.optional(),
    explanation: z.string().trim().min(1).max(20_000).optional(),
    message: z.string().trim().min(1).max(20_000).optional(),
  })
  .strict()
  .refine((r) => Object.keys(r).length > 0, { message: 'a reply must carry at least one field' });

export const WithdrawBody = z.object({ why: z.string().trim().min(1).max(2000).optional() }).strict();

export const DecisionBody = z
  .object({
    outcome: z.enum(DECISION_OUTCOMES),
    amountMinor: minorUnits.optional(),
    remedy: z.enum(REMEDIES),
    note: z.string().trim().min(1).max(5000).optional(),
  })
  .strict()
  .refine((d) => d.outcome !== 'partially_approved' || d.amountMinor !== undefined, {
    message: 'a partial approval needs amountMinor',
    path: ['amountMinor'],
  })
  .refine((d) => (d.outcome === 'denied') === (d.remedy === 'none'), {
    message: 'a denial has remedy "none", and an approval needs a remedy',
    path: ['remedy'],
  });

export const InfoRequestBody = z.object({ message: z.string().trim().min(1).max(5000) }).strict();

export const PayoutConfirmationBody = z.object({ processorReference: id }).strict();

const booleanFlag = z.enum(['true', 'false']).transform((v) => v === 'true');
export const CaseQuery = z
  .object({
    status: z.enum(CLAIM_STATUSES).optional(),
    overdue: booleanFlag.optional(),
    escalated: booleanFlag.optional(),
    limit: z.coerce.number().int().min(1).max(500).default(100),
  })
  .strict();

export const ClaimIdParam = z.object({ claimId: z.string().regex(/^clm_[0-9A-Z]{26}$/, 'unknown claim id') }).strict();
