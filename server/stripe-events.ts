import type Stripe from 'stripe';
import { z } from 'zod';
import { DISPUTE_EVENT_KINDS, type DisputeEventKind, type DisputeFacts } from '../domain/chargebacks';

const PREFIX = 'charge.dispute.';

const refOrObject = z
  .union([z.string(), z.object({ id: z.string() }).loose()])
  .nullable()
  .optional();

/** The parts of Stripe's dispute object this desk reads; anything else Stripe sends is kept in the stored payload. */
const StripeDispute = z
  .object({
    id: z.string().min(1),
    object: z.literal('dispute'),
    amount: z.number().int().nonnegative(),
    currency: z.string().regex(/^[a-zA-Z]{3}$/),
    charge: refOrObject,
    payment_intent: refOrObject,
    reason: z.string().min(1),
    status: z.string().min(1),
    evidence_details: z.object({ due_by: z.number().int().nullable().optional() }).loose().nullable().optional(),
    balance_transactions: z
      .array(
        z
          .object({
            id: z.string(),
            amount: z.number().int(),
            fee: z.number().int(),
            currency: z.string().regex(/^[a-zA-Z]{3}$/),
          })
          .loose(),
      )
      .optional(),
  })
  .loose();

const StripeDisputeEvent = z
  .object({
    id: z.string().min(1),
    type: z.string(),
    created: z.number().int().positive(),
    data: z.object({ object: StripeDispute }).loose(),
  })
  .loose();

/** A dispute event Stripe sends, by its kind; other event types are not ours. */
export function disputeKindOf(type: string): DisputeEventKind | null {
  if (!type.startsWith(PREFIX)) return null;
  const kind = type.slice(PREFIX.length);
  return (DISPUTE_EVENT_KINDS as readonly string[]).includes(kind) ? (kind as DisputeEventKind) : null;
}

const idOf = (ref: z.infer<typeof refOrObject>) => (ref == null ? null : typeof ref === 'string' ? ref : ref.id);

/** Reads a verified Stripe event into the processor-neutral facts; throws a ZodError for a malformed dispute. */
export function stripeDisputeFacts(event: Stripe.Event, kind: DisputeEventKind): DisputeFacts {
  const e = StripeDisputeEvent.parse(event);
  const d = e.data.object;
  const dueBy = d.evidence_details?.due_by;
  return {
    processor: 'stripe',
    eventId: e.id,
    kind,
    occurredAt: new Date(e.created * 1000).toISOString(),
    disputeId: d.id,
    chargeRef: idOf(d.charge),
    paymentIntentRef: idOf(d.payment_intent),
    amount: { amountMinor: d.amount, currency: d.currency.toUpperCase() },
    reason: d.reason,
    processorStatus: d.status,
    dueBy: dueBy ? new Date(dueBy * 1000).toISOString() : null,
    balanceTransactions: (d.balance_transactions ?? []).map((bt) => ({
      id: bt.id,
      amountMinor: bt.amount,
      feeMinor: bt.fee,
      currency: bt.currency.toUpperCase(),
    })),
  };
}
