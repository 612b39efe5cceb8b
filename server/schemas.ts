import { z } from 'zod';
import { CLAIM_STATUSES, DECISION_OUTCOMES, MAX_REQUEST_IDS_PER_CLAIM, REMEDIES } from '../common/claim';
import { ACCOUNT_STATUSES } from '../common/ledger';
import {
  ChargeRecord,
  CurrencyCode as currency,
  MinorUnits as minorUnits,
  OutageRecord,
  PathId,
  RecordId as id,
  UsageRequestRecord,
} from '../common/ledger-records';
import { CursorParam } from './queue-cursor';

// The record schemas live below server/ and db/ (common/), so the file importer validates rows the same way.
export { ChargeRecord, OutageRecord, UsageRequestRecord } from '../common/ledger-records';
export { ClaimBody } from '../common/claim-submission';

/** Ledger batches are bounded so one request stays one transaction of reasonable size, within its 8 MB body limit. */
export const MAX_BATCH_RECORDS = 10_000;
const batch = <T extends z.ZodType>(record: T) =>
  z.object({ records: z.array(record).min(1).max(MAX_BATCH_RECORDS) }).strict();

/** Ids named in paths (accounts, policies, chargebacks): checked before any lookup, so `../../x` is a 400. */
export const AccountIdParam = PathId;
export const PolicyIdParam = PathId;
export const ChargebackIdParam = z
  .string()
  .max(260)
  .regex(/^cb_[a-z0-9_-]+_[A-Za-z0-9_.:-]+$/, 'a chargeback id is cb_<processor>_<dispute id>');

/** The path parameter `name`, checked against its pattern; a ZodError (400) names it. */
export function pathParam(params: Record<string, unknown>, name: string, schema: z.ZodType<string> = PathId): string {
  return z.object({ [name]: schema }).parse({ [name]: params[name] })[name] as string;
}

export const AccountBody = z
  .object({
    email: z.email(),
    policyId: id,
    status: z.enum(ACCOUNT_STATUSES).default('active'),
    currency: currency.default('USD'),
  })
  .strict();

export const UsageRequestBatch = batch(UsageRequestRecord);
export const ChargeBatch = batch(ChargeRecord);
export const OutageBatch = batch(OutageRecord);

export const CustomerReplyBody = z
  .object({
    requestIds: z.array(id).max(MAX_REQUEST_IDS_PER_CLAIM).optional(),
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
  })
  // The two refinements, as the OpenAPI document says them.
  .meta({
    anyOf: [
      { properties: { outcome: { const: 'denied' }, remedy: { const: 'none' } } },
      { properties: { outcome: { const: 'approved' }, remedy: { enum: REMEDIES.filter((r) => r !== 'none') } } },
      {
        properties: {
          outcome: { const: 'partially_approved' },
          remedy: { enum: REMEDIES.filter((r) => r !== 'none') },
        },
        required: ['amountMinor'],
      },
    ],
  });

export const InfoRequestBody = z.object({ message: z.string().trim().min(1).max(5000) }).strict();

export const PayoutConfirmationBody = z.object({ processorReference: id }).strict();

const booleanFlag = z.enum(['true', 'false']).transform((v) => v === 'true');
export const CaseQuery = z
  .object({
    status: z.enum(CLAIM_STATUSES).optional(),
    overdue: booleanFlag.optional(),
    escalated: booleanFlag.optional(),
    accountId: id.optional(),
    limit: z.coerce.number().int().min(1).max(500).default(100),
    cursor: CursorParam.optional(),
  })
  .strict();

export const ClaimIdParam = z.object({ claimId: z.string().regex(/^clm_[0-9A-Z]{26}$/, 'unknown claim id') }).strict();
