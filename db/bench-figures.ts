/**
 * Read-only queries `npm run bench` uses to follow claims it submitted and to check how they ended.
 */
import type { Queryable } from './index';

/** The current status of each claim in `claimIds`. */
export async function claimStatuses(db: Queryable, claimIds: readonly string[]): Promise<Map<string, string>> {
  const { rows } = await db.query<{ id: string; status: string }>(
    'SELECT id, status FROM claims WHERE id = ANY($1::text[])',
    [claimIds],
  );
  return new Map(rows.map((r) => [r.id, r.status]));
}

/** How many claims of `claimIds` are in each status. */
export async function countByStatus(db: Queryable, claimIds: readonly string[]): Promise<Record<string, number>> {
  const { rows } = await db.query<{ status: string; n: string }>(
    'SELECT status, count(*) AS n FROM claims WHERE id = ANY($1::text[]) GROUP BY status',
    [claimIds],
  );
  return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
}

/** For claims that ended closed: how many have their credit written, and how many customer mails were recorded sent. */
export async function closedClaimOutcomes(
  db: Queryable,
  claimIds: readonly string[],
): Promise<{ closed: number; credited: number; mails: number; claimsWithoutMail: number }> {
  const { rows } = await db.query<{ closed: string; credited: string; mails: string; without_mail: string }>(
    `SELECT count(*) AS closed,
            count(*) FILTER (WHERE EXISTS (SELECT 1 FROM credits_issued ci WHERE ci.claim_id = c.id)) AS credited,
            (SELECT count(*) FROM notifications n WHERE n.claim_id = ANY($1::text[])) AS mails,
            count(*) FILTER (WHERE NOT EXISTS (SELECT 1 FROM notifications n WHERE n.claim_id = c.id)) AS without_mail
       FROM claims c WHERE c.id = ANY($1::text[]) AND c.status = 'closed'`,
    [claimIds],
  );
  const r = rows[0]!;
  return {
    closed: Number(r.closed),
    credited: Number(r.credited),
    mails: Number(r.mails),
    claimsWithoutMail: Number(r.without_mail),
  };
}

export interface TimerFiring {
  claimId: string;
  type: string;
  /** When the event was written, minus the deadline it fired for, in ms. */
  latenessMs: number;
  /** When the deadline was planned (the claim's deadlines_planned event), minus its due time, in ms: > 0 means it was planned already overdue. */
  plannedLateMs: number;
}

/** SLA timer events (warnings and escalations) of the claims of accounts whose ids start with `accountPrefix`. */
export async function timerFirings(db: Queryable, accountPrefix: string): Promise<TimerFiring[]> {
  const { rows } = await db.query<{ claim_id: string; type: string; lateness_ms: string; planned_late_ms: string }>(
    `SELECT e.claim_id, e.type,
            extract(epoch FROM e.at - (e.data->'deadline'->>'dueAt')::timestamptz) * 1000 AS lateness_ms,
            extract(epoch FROM p.at - (e.data->'deadline'->>'dueAt')::timestamptz) * 1000 AS planned_late_ms
       FROM claim_events e
       JOIN LATERAL (SELECT min(at) AS at FROM claim_events pe
                      WHERE pe.claim_id = e.claim_id AND pe.type = 'deadlines_planned') p ON true
       JOIN claims c ON c.id = e.claim_id
      WHERE left(c.account_id, length($1)) = $1 AND e.actor_type = 'timer'`,
    [accountPrefix],
  );
  return rows.map((r) => ({
    claimId: r.claim_id,
    type: r.type,
    latenessMs: Number(r.lateness_ms),
    plannedLateMs: Number(r.planned_late_ms),
  }));
}

/** Staff alerts sent for the claims of these accounts under keys starting `keyPrefix`, and when the last went out. */
export async function staffAlertsSent(
  db: Queryable,
  accountPrefix: string,
  keyPrefix: string,
): Promise<{ sent: number; lastAt: Date | null }> {
  const { rows } = await db.query<{ sent: string; last_at: Date | null }>(
    `SELECT count(*) AS sent, max(n.sent_at) AS last_at FROM notifications n JOIN claims c ON c.id = n.claim_id
      WHERE left(c.account_id, length($1)) = $1 AND left(n.dedupe_key, length($2)) = $2`,
    [accountPrefix, keyPrefix],
  );
  return { sent: Number(rows[0]!.sent), lastAt: rows[0]!.last_at };
}

/** The usage requests with these ids, read by primary key alone (the evidence check's baseline); returns how many. */
export async function readRequestsByIds(db: Queryable, requestIds: readonly string[]): Promise<number> {
  const { rows } = await db.query<{ request_id: string; amount_minor: string; http_status: number }>(
    'SELECT request_id, amount_minor, http_status FROM usage_requests WHERE request_id = ANY($1::text[])',
    [requestIds],
  );
  return rows.length;
}

/** One statement's share of the server's work, from pg_stat_statements. */
export interface StatementCost {
  query: string;
  calls: number;
  totalMs: number;
  rows: number;
  /** Shared blocks read from cache or disk: how much of the tables the statement touched. */
  blocks: number;
}

/** All statements since the last reset (top-level and nested ones alike, with `track = all`). */
export async function statementTotals(db: Queryable): Promise<{ calls: number; totalMs: number }> {
  const { rows } = await db.query<{ calls: string; total_ms: number }>(
    `SELECT coalesce(sum(calls), 0) AS calls, coalesce(sum(total_plan_time + total_exec_time), 0) AS total_ms
       FROM pg_stat_statements WHERE toplevel`,
  );
  return { calls: Number(rows[0]!.calls), totalMs: rows[0]!.total_ms };
}

/** Loads pg_stat_statements in this database (the server must preload it) and forgets what it counted so far. */
export async function resetStatementStats(db: Queryable): Promise<void> {
  await db.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
  await db.query('SELECT pg_stat_statements_reset()');
}

/** The statements that took the most planning and execution time since the last reset, most first. */
export async function topStatements(db: Queryable, limit: number): Promise<StatementCost[]> {
  const { rows } = await db.query<{ query: string; calls: string; total_ms: number; rows: string; blocks: string }>(
    `SELECT query, calls, total_plan_time + total_exec_time AS total_ms, rows,
            shared_blks_hit + shared_blks_read AS blocks
       FROM pg_stat_statements ORDER BY total_ms DESC LIMIT $1`,
    [limit],
  );
  return rows.map((r) => ({
    query: r.query,
    calls: Number(r.calls),
    totalMs: r.total_ms,
    rows: Number(r.rows),
    blocks: Number(r.blocks),
  }));
}
