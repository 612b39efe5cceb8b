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

/**
 * One move of the claim in one statement: locks the claim's row, appends the event with the status it moved from,
 * and sets the new status only when the event is new and the status changes, so a retried move is a no-op.
 * Returns the status the claim was in, or undefined when there is no such claim (and nothing was written).
 */
export async function appendClaimMove(
  tx: Queryable,
  e: Omit<ClaimEventInput, 'from'>,
): Promise<ClaimStatus | undefined> {
  const { rows } = await tx.query<{ from_status: ClaimStatus }>(
    `WITH current AS (SELECT status FROM claims WHERE id = $1 FOR UPDATE),
     appended AS (
       INSERT INTO claim_events (claim_id, event_key, actor_type, actor_id, type, from_status, to_status, why, data)
       SELECT $1, $2, $3, $4, $5, current.status, $6, $7, $8 FROM current
       ON CONFLICT (claim_id, event_key) DO NOTHING
       RETURNING 1
     ),
     moved AS (
       UPDATE claims SET status = $6, updated_at = now()
        WHERE id = $1 AND $6::text IS NOT NULL AND status IS DISTINCT FROM $6 AND EXISTS (SELECT 1 FROM appended)
       RETURNING 1
     )
     SELECT status AS from_status FROM current`,
    [e.claimId, e.eventKey, e.actor.type, e.actor.id, e.type, e.to ?? null, e.why, e.data ?? {}],
  );
  return rows[0]?.from_status;
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
