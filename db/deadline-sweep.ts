import type { Actor, Deadline } from '../common/claim';
import type { Queryable } from './index';

/** A review or payout deadline that has fired, with what its firing records. */
export interface DeadlineFiring {
  claimId: string;
  deadline: Deadline;
  /** The event-log row: `lead_warned`, `escalated_to_lead` or `escalated_to_finance`. */
  eventKey: string;
  eventType: string;
  actor: Actor;
  why: string;
  /** Set for an escalation (the claim is marked, the deadline breached); null for the lead's early warning. */
  escalateTo: 'lead' | 'finance' | null;
}

/**
 * Each deadline runs only while its clock does: the review deadlines while the claim is in review (the wait on the
 * customer pauses them), the payout deadline while finance has yet to confirm. For `d`, a claim_deadlines row, and `c`,
 * its claim.
 */
export const DEADLINE_CLOCK_RUNNING = `((d.kind IN ('review_warning', 'review', 'resolution') AND c.status = 'in_review')
                  OR (d.kind = 'payout' AND c.status = 'awaiting_payout'))`;

interface DeadlineRow {
  claim_id: string;
  kind: Deadline['kind'];
  due_at: Date;
  business_days: number;
  clause: string;
}

const toDeadline = (r: DeadlineRow): Deadline => ({
  kind: r.kind,
  dueAt: r.due_at.toISOString(),
  businessDays: r.business_days,
  clause: r.clause,
});

/**
 * Marks up to `limit` due, unfired deadlines as fired by the sweep, soonest first, and returns them. Rows another
 * sweep or a claim workflow holds are skipped, not waited for.
 */
export async function claimDueDeadlines(
  tx: Queryable,
  limit: number,
): Promise<{ claimId: string; deadline: Deadline }[]> {
  const { rows } = await tx.query<DeadlineRow>(
    `UPDATE claim_deadlines d SET fired_at = now(), fired_by = 'sweep'
       FROM (SELECT d.claim_id, d.kind FROM claim_deadlines d JOIN claims c ON c.id = d.claim_id
              WHERE d.state = 'open' AND d.fired_at IS NULL AND d.due_at <= now() AND ${DEADLINE_CLOCK_RUNNING}
              ORDER BY d.due_at LIMIT $1
                FOR UPDATE OF d SKIP LOCKED) due
      WHERE d.claim_id = due.claim_id AND d.kind = due.kind
      RETURNING d.claim_id, d.kind, d.due_at, d.business_days, d.clause`,
    [limit],
  );
  return rows.map((r) => ({ claimId: r.claim_id, deadline: toDeadline(r) }));
}

/**
 * The claim workflow's own timer fired this deadline: marks it fired by the workflow unless the sweep already did,
 * waiting for a sweep that holds the row. Returns who fired it first; null when no such deadline is stored.
 */
export async function markDeadlineFired(
  tx: Queryable,
  claimId: string,
  deadline: Deadline,
): Promise<'sweep' | 'workflow' | null> {
  const { rows } = await tx.query<{ fired_by: 'sweep' | 'workflow' }>(
    `UPDATE claim_deadlines SET fired_at = coalesce(fired_at, now()), fired_by = coalesce(fired_by, 'workflow')
      WHERE claim_id = $1 AND kind = $2 AND due_at = $3
      RETURNING fired_by`,
    [claimId, deadline.kind, deadline.dueAt],
  );
  return rows[0]?.fired_by ?? null;
}

/** Writes the firings' events, escalation marks and breaches: three statements for the whole batch. */
export async function recordDeadlineFirings(tx: Queryable, firings: readonly DeadlineFiring[]): Promise<void> {
  if (!firings.length) return;
  await tx.query(
    `INSERT INTO claim_events (claim_id, event_key, actor_type, actor_id, type, why, data)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::jsonb[])
     ON CONFLICT (claim_id, event_key) DO NOTHING`,
    [
      firings.map((f) => f.claimId),
      firings.map((f) => f.eventKey),
      firings.map((f) => f.actor.type),
      firings.map((f) => f.actor.id),
      firings.map((f) => f.eventType),
      firings.map((f) => f.why),
      firings.map((f) => JSON.stringify({ deadline: f.deadline })),
    ],
  );
  const escalations = firings.filter((f) => f.escalateTo);
  if (!escalations.length) return;
  const claimIds = escalations.map((f) => f.claimId);
  await tx.query(
    `UPDATE claims c SET escalated_at = coalesce(c.escalated_at, now()), escalation_level = e.level, updated_at = now()
       FROM unnest($1::text[], $2::text[]) AS e(claim_id, level) WHERE c.id = e.claim_id`,
    [claimIds, escalations.map((f) => f.escalateTo)],
  );
  await tx.query(
    `UPDATE claim_deadlines d SET state = 'breached'
       FROM unnest($1::text[], $2::text[]) AS e(claim_id, kind) WHERE d.claim_id = e.claim_id AND d.kind = e.kind`,
    [claimIds, escalations.map((f) => f.deadline.kind)],
  );
}

/** Locks up to `limit` deadlines the sweep fired whose staff alert is not yet recorded as sent, oldest first. */
export async function lockUnalertedFirings(
  tx: Queryable,
  limit: number,
): Promise<{ claimId: string; deadline: Deadline }[]> {
  const { rows } = await tx.query<DeadlineRow>(
    `SELECT claim_id, kind, due_at, business_days, clause FROM claim_deadlines
      WHERE fired_by = 'sweep' AND alerted_at IS NULL
      ORDER BY fired_at LIMIT $1
        FOR UPDATE SKIP LOCKED`,
    [limit],
  );
  return rows.map((r) => ({ claimId: r.claim_id, deadline: toDeadline(r) }));
}

export async function markAlerted(tx: Queryable, alerted: readonly { claimId: string; deadline: Deadline }[]) {
  if (!alerted.length) return;
  await tx.query(
    `UPDATE claim_deadlines d SET alerted_at = now()
       FROM unnest($1::text[], $2::text[]) AS a(claim_id, kind) WHERE d.claim_id = a.claim_id AND d.kind = a.kind`,
    [alerted.map((a) => a.claimId), alerted.map((a) => a.deadline.kind)],
  );
}
