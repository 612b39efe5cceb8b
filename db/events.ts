import type { Actor, ClaimStatus } from '../common/claim';
import type { Queryable } from './index';

export interface ClaimEventInput {
  claimId: string;
  /** Deterministic per claim, so a retried activity records the event once. */
  eventKey: string;
  type: string;
  actor: Actor;
  why: string;
  from?: ClaimStatus | null;
  to?: ClaimStatus | null;
  data?: Record<string, unknown>;
}

export interface ClaimEvent {
  at: string;
  type: string;
  actor: Actor;
  from: ClaimStatus | null;
  to: ClaimStatus | null;
  why: string;
  data: Record<string, unknown>;
}

/** Appends one event; returns false when an event with that key was already recorded. */
export async function appendClaimEvent(db: Queryable, e: ClaimEventInput): Promise<boolean> {
  const result = await db.query(
    `INSERT INTO claim_events (claim_id, event_key, actor_type, actor_id, type, from_status, to_status, why, data)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
     ON CONFLICT (claim_id, event_key) DO NOTHING`,
    [e.claimId, e.eventKey, e.actor.type, e.actor.id, e.type, e.from ?? null, e.to ?? null, e.why, e.data ?? {}],
  );
  return result.rowCount === 1;
}

export async function listClaimEvents(db: Queryable, claimId: string): Promise<ClaimEvent[]> {
  const { rows } = await db.query<{
    at: Date;
    type: string;
    actor_type: Actor['type'];
    actor_id: string;
    from_status: ClaimStatus | null;
    to_status: ClaimStatus | null;
    why: string;
    data: Record<string, unknown>;
  }>(
    `SELECT at, type, actor_type, actor_id, from_status, to_status, why, data
       FROM claim_events WHERE claim_id = $1 ORDER BY id`,
    [claimId],
  );
  return rows.map((r) => ({
    at: r.at.toISOString(),
    type: r.type,
    actor: { type: r.actor_type, id: r.actor_id },
    from: r.from_status,
    to: r.to_status,
    why: r.why,
    data: r.data,
  }));
}
