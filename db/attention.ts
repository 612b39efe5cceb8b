import type { Actor, ClaimStatus } from '../common/claim';
import type { AttentionCause } from '../common/unfixable';
import { appendClaimEvent } from './events';
import type { Queryable } from './index';

/** The guard's own name in the event log. */
export const CLAIM_GUARD: Actor = { type: 'system', id: 'claim-guard' };

/**
 * Moves a claim to needs_attention with the failure that stopped it: the claim keeps the cause for the staff
 * queue, the event log says who, what and why, and the alert tally counts it once, all in the caller's
 * transaction. A retried call (same event key) changes nothing.
 */
export async function recordNeedsAttention(
  tx: Queryable,
  input: { claimId: string; eventKey: string; cause: AttentionCause },
): Promise<void> {
  const { cause } = input;
  const { rows } = await tx.query<{ status: ClaimStatus }>('SELECT status FROM claims WHERE id = $1 FOR UPDATE', [
    input.claimId,
  ]);
  const from = rows[0]?.status ?? null;
  const appended = await appendClaimEvent(tx, {
    claimId: input.claimId,
    eventKey: input.eventKey,
    type: 'needs_attention',
    actor: CLAIM_GUARD,
    from,
    to: 'needs_attention',
    why: `${cause.errorType}${cause.activity ? ` in ${cause.activity}` : ''}: ${cause.message}`,
    data: { ...cause },
  });
  if (!appended) return;
  await tx.query(`UPDATE claims SET status = 'needs_attention', attention = $2, updated_at = now() WHERE id = $1`, [
    input.claimId,
    { ...cause, from, at: new Date().toISOString() },
  ]);
  await tx.query(`SELECT bump_claim_tally('claims_needing_attention', jsonb_build_object('error_type', $1::text), 1)`, [
    cause.errorType,
  ]);
}

/** A person's answer to a claim that needs attention: the event, and the claim's next status with the cause cleared. */
export async function recordAttentionAnswered(
  tx: Queryable,
  input: { claimId: string; eventKey: string; type: string; actor: Actor; why: string; to: ClaimStatus },
): Promise<void> {
  const appended = await appendClaimEvent(tx, { ...input, from: 'needs_attention' });
  if (!appended) return;
  await tx.query('UPDATE claims SET status = $2, attention = NULL, updated_at = now() WHERE id = $1', [
    input.claimId,
    input.to,
  ]);
}
