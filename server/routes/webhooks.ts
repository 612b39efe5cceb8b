import { isUtf8 } from 'node:buffer';
import express, { Router } from 'express';
import Stripe from 'stripe';
import { z } from 'zod';
import { receiveDisputeEvent, type ChargebackIntakeDeps } from '../chargeback-intake';
import { HttpError } from '../errors';
import { disputeKindOf, stripeDisputeFacts } from '../stripe-events';

type StripeEvent = ReturnType<typeof Stripe.webhooks.constructEvent>;

/** Every endpoint secret accepted (several during a rotation), and how old a signed timestamp may be. */
export interface StripeWebhookSettings {
  stripeWebhookSecrets: readonly string[];
  stripeToleranceSeconds: number;
}

/** The local product's signing secret (`npm run dev` prints it); wiring/ refuses it in production. */
export const DEV_STRIPE_WEBHOOK_SECRET = 'whsec_refund_desk_dev_only';

/**
 * Tries each endpoint secret in turn (several are live during a rotation). A stale timestamp under the
 * secret that signed the event says more than a mismatch under the others, so it is the reason given.
 */
function verify(raw: Buffer, header: string, secrets: readonly string[], toleranceSeconds: number): StripeEvent {
  const failures: Error[] = [];
  for (const secret of secrets) {
    try {
      return Stripe.webhooks.constructEvent(raw, header, secret, toleranceSeconds);
    } catch (err) {
      failures.push(err as Error);
    }
  }
  throw (
    failures.find((f) => /tolerance/i.test(f.message)) ?? failures[0] ?? new Error('no webhook secret is configured')
  );
}

/** The envelope every Stripe event has, checked before its fields are read. */
function isEventEnvelope(event: unknown): event is StripeEvent {
  const e = event as { id?: unknown; type?: unknown } | null;
  return (
    typeof e === 'object' && e !== null && !Array.isArray(e) && typeof e.id === 'string' && typeof e.type === 'string'
  );
}

/**
 * Stripe's dispute webhooks, verified against the raw body. Registered before the JSON body parser,
 * so the bytes Stripe signed are the bytes checked. A 2xx is sent only once the event is stored.
 */
export function stripeWebhookRoutes(deps: ChargebackIntakeDeps, config: StripeWebhookSettings): Router {
  const router = Router();
  router.post('/v1/webhooks/stripe', express.raw({ type: () => true, limit: '1mb' }), async (req, res) => {
    const header = req.get('stripe-signature');
    if (!header) throw new HttpError(400, 'missing Stripe-Signature header');
    const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    // Stripe sends UTF-8; other bytes would be verified and stored as replacement characters, changing the event.
    if (!isUtf8(raw)) throw new HttpError(400, 'webhook body is not valid UTF-8');
    let event: StripeEvent;
    try {
      event = verify(raw, header, config.stripeWebhookSecrets, config.stripeToleranceSeconds);
    } catch (err) {
      // Logged without the payload or the header: neither belongs in logs.
      const reason = (err as Error).message.split('\n')[0]!.trim();
      deps.logger.warn({ reason, bytes: raw.length }, 'stripe webhook refused');
      throw new HttpError(400, `webhook signature verification failed: ${reason}`);
    }
    // Signed is not well formed: a JSON array, null or a non-text type would otherwise fail below as a 500.
    if (!isEventEnvelope(event))
      throw new HttpError(400, 'malformed event: expected an object with a text id and type');
    const kind = disputeKindOf(event.type);
    if (!kind) {
      res.status(200).json({ received: true, ignored: `event type ${event.type} is not a dispute event` });
      return;
    }
    let facts;
    try {
      facts = stripeDisputeFacts(event, kind);
    } catch (err) {
      const issues =
        err instanceof z.ZodError
          ? err.issues.map((i) => `${i.path.join('.')}: ${i.message}`)
          : [(err as Error).message];
      deps.logger.warn({ eventId: event.id, type: event.type, issues }, 'stripe dispute event is malformed');
      throw new HttpError(400, `malformed dispute event: ${issues.join('; ')}`);
    }
    const receipt = await receiveDisputeEvent(deps, facts, event);
    res.status(200).json({ received: true, chargebackId: receipt.chargebackId, duplicate: receipt.duplicate });
  });
  return router;
}
