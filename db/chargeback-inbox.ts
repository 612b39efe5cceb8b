import type { DisputeFacts } from '../domain/chargebacks';
import { chargebackIdOf } from '../domain/chargebacks';
import type { Queryable } from './index';

/** What storing an event found: a new event, or a redelivery that was (or was not yet) handed over. */
export interface StoredEvent {
  chargebackId: string;
  isNew: boolean;
  handedOver: boolean;
}

/** Stores a processor event once (unique on processor and event id); a redelivery changes nothing. */
export async function storeProcessorEvent(db: Queryable, facts: DisputeFacts, payload: unknown): Promise<StoredEvent> {
  const chargebackId = chargebackIdOf(facts.processor, facts.disputeId);
  const inserted = await db.query(
    `INSERT INTO processor_events (processor, event_id, kind, dispute_id, chargeback_id, occurred_at, facts, payload)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
     ON CONFLICT (processor, event_id) DO NOTHING`,
    [facts.processor, facts.eventId, facts.kind, facts.disputeId, chargebackId, facts.occurredAt, facts, payload],
  );
  if (inserted.rowCount === 1) return { chargebackId, isNew: true, handedOver: false };
  const { rows } = await db.query<{ chargeback_id: string; handed_over: boolean }>(
    'SELECT chargeback_id, handed_over_at IS NOT NULL AS handed_over FROM processor_events WHERE processor = $1 AND event_id = $2',
    [facts.processor, facts.eventId],
  );
  return { chargebackId: rows[0]!.chargeback_id, isNew: false, handedOver: rows[0]!.handed_over };
}

/** Marks an event as signalled to its workflow, so the sweep leaves it alone. */
export async function markHandedOver(db: Queryable, processor: string, eventId: string): Promise<void> {
  await db.query(
    'UPDATE processor_events SET handed_over_at = coalesce(handed_over_at, clock_timestamp()) WHERE processor = $1 AND event_id = $2',
    [processor, eventId],
  );
}

export interface PendingEvent {
  processor: string;
  eventId: string;
  chargebackId: string;
}

/** Events stored but not yet handed to a workflow, oldest first. */
export async function pendingHandovers(db: Queryable, limit = 100): Promise<PendingEvent[]> {
  const { rows } = await db.query<{ processor: string; event_id: string; chargeback_id: string }>(
    `SELECT processor, event_id, chargeback_id FROM processor_events
      WHERE handed_over_at IS NULL ORDER BY received_at LIMIT $1`,
    [limit],
  );
  return rows.map((r) => ({ processor: r.processor, eventId: r.event_id, chargebackId: r.chargeback_id }));
}

/** The stored facts of one event; undefined for an unknown key. */
export async function loadProcessorEvent(
  db: Queryable,
  processor: string,
  eventId: string,
): Promise<DisputeFacts | undefined> {
  const { rows } = await db.query<{ facts: DisputeFacts }>(
    'SELECT facts FROM processor_events WHERE processor = $1 AND event_id = $2',
    [processor, eventId],
  );
  return rows[0]?.facts;
}

export async function markEventApplied(db: Queryable, processor: string, eventId: string): Promise<void> {
  await db.query(
    'UPDATE processor_events SET applied_at = coalesce(applied_at, clock_timestamp()) WHERE processor = $1 AND event_id = $2',
    [processor, eventId],
  );
}

/** The events a case received, in the processor's own order. */
export async function listCaseProcessorEvents(db: Queryable, chargebackId: string) {
  const { rows } = await db.query<{
    event_id: string;
    kind: string;
    occurred_at: Date;
    received_at: Date;
    applied_at: Date | null;
  }>(
    `SELECT event_id, kind, occurred_at, received_at, applied_at FROM processor_events
      WHERE chargeback_id = $1 ORDER BY occurred_at, received_at`,
    [chargebackId],
  );
  return rows.map((r) => ({
    eventId: r.event_id,
    kind: r.kind,
    occurredAt: r.occurred_at.toISOString(),
    receivedAt: r.received_at.toISOString(),
    appliedAt: r.applied_at?.toISOString() ?? null,
  }));
}
