import type { Queryable } from './index';

/** Marks the claim escalated to `level` (first escalation time kept) and the missed deadline breached. */
export async function recordEscalation(
  tx: Queryable,
  claimId: string,
  level: 'lead' | 'finance',
  deadlineKind: string,
): Promise<void> {
  await tx.query(
    `UPDATE claims SET escalated_at = coalesce(escalated_at, now()), escalation_level = $2, updated_at = now() WHERE id = $1`,
    [claimId, level],
  );
  await tx.query(`UPDATE claim_deadlines SET state = 'breached' WHERE claim_id = $1 AND kind = $2`, [
    claimId,
    deadlineKind,
  ]);
}
