import type { ChargebackAdapters } from '../activities/chargeback-adapters';
import type { Db } from '../db';
import { manualDisputeGateway } from './dispute-gateway';
import { createStripeDisputeGateway, type StripeApiOptions } from './stripe-disputes';
import { createPlatformWebhookSender, type PlatformWebhookEndpoint } from './webhooks-out';

/** Builds the chargeback adapters from configuration: Stripe when a key is set, manual otherwise. */
export function buildChargebackAdapters(
  db: Db,
  config: { stripeApi: StripeApiOptions | null; platformWebhook: PlatformWebhookEndpoint | null },
): ChargebackAdapters {
  return {
    disputes: config.stripeApi ? createStripeDisputeGateway(config.stripeApi) : manualDisputeGateway,
    platformWebhooks: createPlatformWebhookSender(db, config.platformWebhook),
  };
}
