import type { ChargebackAdapters } from '../activities/chargeback-adapters';
import { manualDisputeGateway } from '../adapters/dispute-gateway';
import { createStripeDisputeGateway } from '../adapters/stripe-disputes';
import { createPlatformWebhookSender } from '../adapters/webhooks-out';
import type { Db } from '../db';
import { webhookDeliveryLog } from '../db/webhook-messages';
import type { ChargebackConfig } from './chargeback-config';

/** Builds the chargeback adapters from configuration: Stripe when a key is set, manual otherwise. */
export function buildChargebackAdapters(
  db: Db,
  config: Pick<ChargebackConfig, 'stripeApi' | 'platformWebhook'>,
): ChargebackAdapters {
  return {
    disputes: config.stripeApi ? createStripeDisputeGateway(config.stripeApi) : manualDisputeGateway,
    platformWebhooks: createPlatformWebhookSender(webhookDeliveryLog(db), config.platformWebhook),
  };
}
