import { z } from 'zod';
import { CurrencyCode, Instant, MinorUnits } from '../common/ledger-records';
import { MAX_AMOUNT_MINOR } from '../common/money';
import { CHARGEBACK_STATUSES, DISPUTE_EVENT_KINDS, STRIPE_TEXT_FIELDS } from '../domain/chargebacks';

const id = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9_.:-]{1,200}$/, 'letters, digits and _ . : - only, at most 200');
const currency = CurrencyCode;
const instant = Instant;
/** Balance transactions are signed (funds withdrawn are negative), within the same range as any amount. */
const signedMinor = z.number().int().min(-MAX_AMOUNT_MINOR).max(MAX_AMOUNT_MINOR);
/** PostgreSQL cannot store a NUL character: free text with one is refused as a 400, not failed at the insert. */
// eslint-disable-next-line no-control-regex -- the point is to refuse NUL
const WITHOUT_NUL = /^[^\x00]*$/;
const withoutNul = (s: z.ZodString) => s.regex(WITHOUT_NUL, 'text has no NUL characters');

/** Free text from a processor or a person. */
const text = (max: number) => withoutNul(z.string().trim().min(1).max(max));
const why = text(2000);

/** The processor-neutral event, for platforms on processors other than Stripe. */
export const NeutralDisputeEventBody = z
  .object({
    processor: z.string().regex(/^[a-z][a-z0-9_-]{1,40}$/, 'a lower-case processor name such as "adyen"'),
    eventId: id,
    type: z.enum(DISPUTE_EVENT_KINDS),
    occurredAt: instant,
    dispute: z
      .object({
        id,
        chargeRef: id.nullable().optional(),
        paymentIntentRef: id.nullable().optional(),
        amountMinor: MinorUnits,
        currency,
        reason: text(200),
        status: text(100),
        dueBy: instant.nullable().optional(),
        balanceTransactions: z
          .array(z.object({ id, amountMinor: signedMinor, feeMinor: signedMinor, currency }).strict())
          .max(50)
          .optional(),
      })
      .strict()
      .refine((d) => d.chargeRef || d.paymentIntentRef, {
        message: 'give chargeRef or paymentIntentRef, so the dispute can be matched',
      })
      .meta({
        anyOf: [
          { required: ['chargeRef'], properties: { chargeRef: { type: 'string', minLength: 1 } } },
          { required: ['paymentIntentRef'], properties: { paymentIntentRef: { type: 'string', minLength: 1 } } },
        ],
      }),
  })
  .strict();

export const ChargebackListQuery = z
  .object({
    status: z.enum(CHARGEBACK_STATUSES).optional(),
    policyId: z.string().optional(),
    accountId: z.string().optional(),
    dueWithinHours: z.coerce
      .number()
      .int()
      .positive()
      .max(24 * 90)
      .optional(),
    unmatched: z
      .enum(['true', 'false'])
      .transform((v) => v === 'true')
      .optional(),
    limit: z.coerce.number().int().min(1).max(500).default(100),
  })
  .strict();

export const StaffActionBody = z.object({ why }).strict();

export const ContestBody = z
  .object({
    evidence: z.partialRecord(z.enum(STRIPE_TEXT_FIELDS), withoutNul(z.string().max(20_000))).optional(),
    note: why.optional(),
  })
  .strict();

export const ConfirmSubmissionBody = z.object({ processorReference: text(200).optional() }).strict();
