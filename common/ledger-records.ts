/**
 * Record schemas of the usage ledger, shared by the HTTP API (`/v1/usage/*`) and the file importer
 * (db/import), so both accept exactly the same rows. Pure zod: no I/O, no HTTP.
 */
import { z } from 'zod';
import { CHARGE_KINDS, REQUEST_OUTCOMES } from './ledger';
import { MAX_AMOUNT_MINOR } from './money';

/** An id sent by the platform or a customer: 1–200 characters, no control characters (PostgreSQL refuses NUL). */
export const RecordId = z
  .string()
  .trim()
  .min(1)
  .max(200)
  // eslint-disable-next-line no-control-regex -- the point is to refuse control characters
  .regex(/^[^\x00-\x1F\x7F]+$/, 'an id has no control characters');

/** An id named in a URL path: letters, digits and _ . : @ - only, 1–200 characters, never "." or "..". */
export const PathId = z
  .string()
  .max(200, 'an id has at most 200 characters')
  .regex(/^(?!\.{1,2}$)[A-Za-z0-9_.:@-]+$/, 'an id has letters, digits and _ . : @ - only');

/** The ISO 4217 codes this runtime knows (Intl's list): "QQQ" is refused, not just any three letters. */
export const ISO_4217_CODES = Intl.supportedValuesOf('currency') as [string, ...string[]];
export const CurrencyCode = z.enum(ISO_4217_CODES, {
  error: 'currency must be an ISO 4217 code such as "USD"',
});

const amount = z.number().int('amounts are integer minor units (cents), never decimals');
/** A non-negative amount in integer minor units, at most MAX_AMOUNT_MINOR (10^12), so sums never overflow. */
export const MinorUnits = amount.min(0).max(MAX_AMOUNT_MINOR);
/** A positive amount in integer minor units, at most MAX_AMOUNT_MINOR. */
export const PositiveMinorUnits = amount.min(1).max(MAX_AMOUNT_MINOR);

/** ISO 8601 with an offset, years 2000–2099: a plain pattern, so the OpenAPI document carries it as is. */
const INSTANT =
  /^20\d\d-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3]):[0-5]\d:[0-5]\d(\.\d{1,9})?(Z|[+-]([01]\d|2[0-3]):[0-5]\d)$/;

/** The day exists (no 31 April, no 29 February outside leap years). */
function isCalendarDay(iso: string): boolean {
  const [y, m, d] = iso.slice(0, 10).split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d)).getUTCDate() === d;
}

/** An ISO 8601 instant with its offset, in the years 2000–2099: no year 0001, no year 9999. */
export const Instant = z
  .string()
  .regex(INSTANT, 'a date between the years 2000 and 2099, as an ISO 8601 instant with offset')
  .refine(isCalendarDay, 'no such day in the calendar')
  .describe('ISO 8601 instant with offset, years 2000–2099');

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

/** The fields of a charge row, before its sign rule (the simulator extends them). */
export const ChargeFields = z
  .object({
    transactionId: id,
    invoiceNumber: id.nullable().default(null),
    paymentReference: id.nullable().default(null),
    accountId: id,
    /** Positive for a charge; negative for a `correction`, which lowers an earlier charge. */
    amountMinor: amount.min(-MAX_AMOUNT_MINOR).max(MAX_AMOUNT_MINOR),
    currency,
    kind: z.enum(CHARGE_KINDS),
    periodStart: instant.nullable().default(null),
    periodEnd: instant.nullable().default(null),
    createdAt: instant,
  })
  .strict();

/** A charge is positive; a correction (its own kind) is negative. */
export const CHARGE_SIGN = {
  check: (c: { kind: string; amountMinor: number }) =>
    c.kind === 'correction' ? c.amountMinor < 0 : c.amountMinor > 0,
  rule: { message: 'a charge is positive; a correction (kind "correction") is negative', path: ['amountMinor'] },
  /** The same rule for the OpenAPI document, so a client (or a fuzzer) knows it. */
  jsonSchema: {
    anyOf: [
      { properties: { kind: { const: 'correction' }, amountMinor: { maximum: -1 } } },
      {
        properties: {
          kind: { enum: CHARGE_KINDS.filter((k) => k !== 'correction') },
          amountMinor: { minimum: 1 },
        },
      },
    ],
  },
};

/** One charge on the account (purchase, usage bill or subscription), or a correction lowering one. */
export const ChargeRecord = ChargeFields.refine(CHARGE_SIGN.check, CHARGE_SIGN.rule).meta(CHARGE_SIGN.jsonSchema);

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
