/**
 * Record schemas of the usage ledger, shared by the HTTP API (`/v1/usage/*`) and the file importer
 * (db/import), so both accept exactly the same rows. Pure zod: no I/O, no HTTP.
 */
import { z } from 'zod';
import { CHARGE_KINDS, REQUEST_OUTCOMES } from './ledger';

/** An id sent by the platform or a customer. */
export const RecordId = z.string().trim().min(1).max(200);
/** ISO 4217 code. */
export const CurrencyCode = z.string().regex(/^[A-Z]{3}$/, 'currency must be a 3-letter ISO 4217 code such as "USD"');
/** A non-negative amount in integer minor units. */
export const MinorUnits = z
  .number()
  .int('amounts are integer minor units (cents), never decimals')
  .min(0)
  .max(Number.MAX_SAFE_INTEGER);
/** An ISO 8601 instant with its offset. */
export const Instant = z.iso.datetime({ offset: true });

const id = RecordId;
const currency = CurrencyCode;
const minorUnits = MinorUnits;
const instant = Instant;

/** One metered API call. */
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

/** One charge on the account (purchase, usage bill or subscription). */
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

/** One platform outage. */
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
