import type { Queryable } from './index';

/** The outbound webhook delivery log: one row per message, one per attempt. */

export interface WebhookMessage {
  id: string;
  eventType: string;
  payload: Record<string, unknown>;
  endpointUrl: string | null;
  state: 'pending' | 'delivered' | 'no_endpoint';
  attempts: number;
  createdAt: string;
  deliveredAt: string | null;
}

interface MessageRow {
  id: string;
  event_type: string;
  payload: Record<string, unknown>;
  endpoint_url: string | null;
  state: WebhookMessage['state'];
  attempts: number;
  created_at: Date;
  delivered_at: Date | null;
}

function toMessage(r: MessageRow): WebhookMessage {
  return {
    id: r.id,
    eventType: r.event_type,
    payload: r.payload,
    endpointUrl: r.endpoint_url,
    state: r.state,
    attempts: r.attempts,
    createdAt: r.created_at.toISOString(),
    deliveredAt: r.delivered_at?.toISOString() ?? null,
  };
}

/** Stores the message once; a retry finds the stored one with its original payload. */
export async function storeWebhookMessage(
  db: Queryable,
  m: { id: string; eventType: string; payload: Record<string, unknown>; endpointUrl: string | null },
): Promise<WebhookMessage> {
  await db.query(
    `INSERT INTO webhook_messages (id, event_type, payload, endpoint_url, state) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (id) DO NOTHING`,
    [m.id, m.eventType, m.payload, m.endpointUrl, m.endpointUrl ? 'pending' : 'no_endpoint'],
  );
  const { rows } = await db.query<MessageRow>('SELECT * FROM webhook_messages WHERE id = $1', [m.id]);
  return toMessage(rows[0]!);
}

export async function recordWebhookAttempt(
  db: Queryable,
  a: { messageId: string; httpStatus: number | null; error: string | null; durationMs: number; delivered: boolean },
): Promise<void> {
  await db.query('INSERT INTO webhook_attempts (message_id, http_status, error, duration_ms) VALUES ($1, $2, $3, $4)', [
    a.messageId,
    a.httpStatus,
    a.error,
    Math.round(a.durationMs),
  ]);
  await db.query(
    `UPDATE webhook_messages SET attempts = attempts + 1,
            state = CASE WHEN $2 THEN 'delivered' ELSE state END,
            delivered_at = CASE WHEN $2 THEN coalesce(delivered_at, clock_timestamp()) ELSE delivered_at END
      WHERE id = $1`,
    [a.messageId, a.delivered],
  );
}

/** Messages about one subject (a chargeback or an account), newest last, with their attempts. */
export async function listWebhookMessages(db: Queryable, filter: { chargebackId?: string; limit?: number } = {}) {
  const { rows } = await db.query<MessageRow>(
    `SELECT * FROM webhook_messages WHERE ($1::text IS NULL OR payload #>> '{data,chargebackId}' = $1) ORDER BY created_at LIMIT $2`,
    [filter.chargebackId ?? null, filter.limit ?? 200],
  );
  const { rows: attempts } = await db.query<{
    message_id: string;
    at: Date;
    http_status: number | null;
    error: string | null;
    duration_ms: number;
  }>(
    'SELECT message_id, at, http_status, error, duration_ms FROM webhook_attempts WHERE message_id = ANY($1::text[]) ORDER BY id',
    [rows.map((r) => r.id)],
  );
  return rows.map((r) => ({
    ...toMessage(r),
    attemptLog: attempts
      .filter((a) => a.message_id === r.id)
      .map((a) => ({
        at: a.at.toISOString(),
        httpStatus: a.http_status,
        error: a.error,
        durationMs: a.duration_ms,
      })),
  }));
}

/** The delivery log the outbound webhook sender writes to, backed by these tables. */
export function webhookDeliveryLog(db: Queryable) {
  return {
    store: (m: Parameters<typeof storeWebhookMessage>[1]) => storeWebhookMessage(db, m),
    recordAttempt: (a: Parameters<typeof recordWebhookAttempt>[1]) => recordWebhookAttempt(db, a),
  };
}
