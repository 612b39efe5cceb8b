import { Client, type Pool } from 'pg';
import type { ClaimReason } from '../common/claim';
import type { Queryable } from './index';

/** A claim whose workflow is still to be started, with the facts its start carries (memo, search attributes). */
export interface PendingClaimStart {
  claimId: string;
  accountId: string;
  policyId: string;
  reason: ClaimReason;
  attempts: number;
}

/** Queues the claim's workflow start on `taskQueue` again (a start is idempotent, so a repeat is harmless). */
export async function enqueueClaimStart(tx: Queryable, claimId: string, taskQueue: string): Promise<void> {
  await tx.query('INSERT INTO claim_outbox (claim_id, task_queue) VALUES ($1, $2) ON CONFLICT (claim_id) DO NOTHING', [
    claimId,
    taskQueue,
  ]);
}

/**
 * Locks up to `limit` due starts for this transaction; rows another dispatcher holds are skipped, not waited for,
 * and a dispatcher that dies releases its rows with its connection.
 */
export async function lockDueClaimStarts(
  tx: Queryable,
  taskQueue: string,
  limit: number,
): Promise<PendingClaimStart[]> {
  const { rows } = await tx.query<{
    claim_id: string;
    account_id: string;
    policy_id: string;
    reason: ClaimReason;
    attempts: number;
  }>(
    `SELECT o.claim_id, c.account_id, c.policy_id, c.reason, o.attempts
       FROM claim_outbox o JOIN claims c ON c.id = o.claim_id
      WHERE (o.task_queue = $1 OR o.task_queue IS NULL) AND o.next_attempt_at <= clock_timestamp()
      ORDER BY o.next_attempt_at
      LIMIT $2
        FOR UPDATE OF o SKIP LOCKED`,
    [taskQueue, limit],
  );
  return rows.map((r) => ({
    claimId: r.claim_id,
    accountId: r.account_id,
    policyId: r.policy_id,
    reason: r.reason,
    attempts: r.attempts,
  }));
}

/** Removes the starts that are done (the workflow runs or ran). */
export async function settleClaimStarts(tx: Queryable, claimIds: readonly string[]): Promise<void> {
  if (claimIds.length) await tx.query('DELETE FROM claim_outbox WHERE claim_id = ANY($1)', [claimIds]);
}

/** Keeps a failed start for later, after `delayMs`, with the error for staff and logs. */
export async function postponeClaimStart(
  tx: Queryable,
  claimId: string,
  error: string,
  delayMs: number,
): Promise<void> {
  await tx.query(
    `UPDATE claim_outbox SET attempts = attempts + 1, last_error = $2,
            next_attempt_at = clock_timestamp() + make_interval(secs => $3::double precision / 1000)
      WHERE claim_id = $1`,
    [claimId, error.slice(0, 2_000), delayMs],
  );
}

/** How many starts wait, and since when the oldest (null when none). */
export async function claimOutboxBacklog(db: Queryable): Promise<{ pending: number; oldest: Date | null }> {
  const { rows } = await db.query<{ pending: string; oldest: Date | null }>(
    'SELECT count(*) AS pending, min(enqueued_at) AS oldest FROM claim_outbox',
  );
  return { pending: Number(rows[0]!.pending), oldest: rows[0]!.oldest };
}

/** The channel dispatchers LISTEN on; the API process NOTIFYs it after claims commit (never inside their transaction). */
const CHANNEL = 'claim_outbox';

/** Wakes listening dispatchers in other processes; its own statement, so no claim's commit waits on NOTIFY's lock. */
export async function notifyClaimStarts(db: Queryable): Promise<void> {
  await db.query(`SELECT pg_notify('${CHANNEL}', '')`);
}

/** A dedicated connection LISTENing for claim starts; `onError` hears a lost connection (no reconnect here). */
export async function listenForClaimStarts(
  db: Pool,
  onNotify: () => void,
  onError: (err: Error) => void,
): Promise<{ close(): Promise<void> }> {
  const client = new Client(db.options);
  client.on('notification', () => onNotify());
  client.on('error', onError);
  await client.connect();
  await client.query(`LISTEN ${CHANNEL}`);
  return { close: () => client.end() };
}
