import { Webhook } from 'standardwebhooks';

/** Where the platform receives Refund Desk's events, and the shared `whsec_` secret that signs them. */
export interface PlatformWebhookEndpoint {
  url: string;
  secret: string;
}

export interface PlatformEvent {
  /** The Standard Webhooks `webhook-id`: derived from the business step, the same on every retry. */
  messageId: string;
  type: string;
  data: Record<string, unknown>;
}

export type DeliveryResult = 'delivered' | 'no_endpoint';

/** Where messages and attempts are kept (db/webhook-messages.ts): the sender never loses what it was asked to send. */
export interface WebhookDeliveryLog {
  /** Stores the message once and returns the stored one (its payload is fixed at first store). */
  store(m: { id: string; eventType: string; payload: Record<string, unknown>; endpointUrl: string | null }): Promise<{
    id: string;
    payload: Record<string, unknown>;
    state: 'pending' | 'delivered' | 'no_endpoint';
  }>;
  recordAttempt(a: {
    messageId: string;
    httpStatus: number | null;
    error: string | null;
    durationMs: number;
    delivered: boolean;
  }): Promise<void>;
}

/** Sends signed events to the platform; a failed attempt throws so the caller's retry policy retries it. */
export interface PlatformWebhookSender {
  send(event: PlatformEvent): Promise<DeliveryResult>;
}

/** Raised for a non-2xx answer or a network failure; every attempt is in the delivery log first. */
export class WebhookDeliveryFailed extends Error {}

/**
 * Standard Webhooks sender (the `standardwebhooks` package signs): the message is stored before the
 * first attempt with its payload fixed, every attempt is logged, and a 2xx marks it delivered. With no
 * endpoint configured the message is kept as `no_endpoint`, so nothing is lost and nothing is sent.
 */
export function createPlatformWebhookSender(
  log: WebhookDeliveryLog,
  endpoint: PlatformWebhookEndpoint | null,
  options: { timeoutMs?: number; now?: () => Date } = {},
): PlatformWebhookSender {
  const signer = endpoint ? new Webhook(endpoint.secret) : null;
  const now = options.now ?? (() => new Date());
  return {
    async send(event) {
      const message = await log.store({
        id: event.messageId,
        eventType: event.type,
        endpointUrl: endpoint?.url ?? null,
        payload: { type: event.type, timestamp: now().toISOString(), data: event.data },
      });
      if (message.state === 'delivered') return 'delivered';
      if (!endpoint || !signer || message.state === 'no_endpoint') return 'no_endpoint';
      const body = JSON.stringify(message.payload);
      const sentAt = now();
      const headers = {
        'content-type': 'application/json',
        'webhook-id': message.id,
        'webhook-timestamp': String(Math.floor(sentAt.getTime() / 1000)),
        'webhook-signature': signer.sign(message.id, sentAt, body),
      };
      const started = performance.now();
      let status: number | null = null;
      try {
        const res = await fetch(endpoint.url, {
          method: 'POST',
          headers,
          body,
          signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
        });
        status = res.status;
        await res.body?.cancel();
      } catch (err) {
        await log.recordAttempt({
          messageId: message.id,
          httpStatus: null,
          error: (err as Error).message,
          durationMs: performance.now() - started,
          delivered: false,
        });
        throw new WebhookDeliveryFailed(`${event.type} to ${endpoint.url}: ${(err as Error).message}`);
      }
      const delivered = status >= 200 && status < 300;
      await log.recordAttempt({
        messageId: message.id,
        httpStatus: status,
        error: delivered ? null : `HTTP ${status}`,
        durationMs: performance.now() - started,
        delivered,
      });
      if (!delivered) throw new WebhookDeliveryFailed(`${event.type} to ${endpoint.url}: HTTP ${status}`);
      return 'delivered';
    },
  };
}
