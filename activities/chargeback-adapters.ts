import { manualDisputeGateway, type DisputeGateway } from '../adapters/dispute-gateway';
import { createPlatformWebhookSender, type PlatformWebhookSender } from '../adapters/webhooks-out';
import type { Db } from '../db';
import { webhookDeliveryLog } from '../db/webhook-messages';

/** The outside world a chargeback touches: the processor holding the dispute, and the platform's webhook endpoint. */
export interface ChargebackAdapters {
  disputes: DisputeGateway;
  platformWebhooks: PlatformWebhookSender;
}

/** Without configuration: finance handles the processor by hand, and outbound events are logged, not sent. */
export function defaultChargebackAdapters(db: Db): ChargebackAdapters {
  return {
    disputes: manualDisputeGateway,
    platformWebhooks: createPlatformWebhookSender(webhookDeliveryLog(db), null),
  };
}
