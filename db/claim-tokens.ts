import type { Actor } from '../common/claim';
import type { Queryable } from './index';

/** What a token check needs beyond the signature: when the claim was submitted and any revocation. */
export interface ClaimTokenState {
  submittedAt: Date;
  revokedBefore: Date | null;
}

export async function findClaimTokenState(db: Queryable, claimId: string): Promise<ClaimTokenState | undefined> {
  const { rows } = await db.query<{ submitted_at: Date; revoked_before: Date | null }>(
    `SELECT c.submitted_at, r.revoked_before
       FROM claims c LEFT JOIN claim_token_revocations r ON r.claim_id = c.id
      WHERE c.id = $1`,
    [claimId],
  );
  const row = rows[0];
  return row && { submittedAt: row.submitted_at, revokedBefore: row.revoked_before };
}

/** Refuses every token of the claim issued before `at`; a later revocation moves the line forward, never back. */
export async function revokeClaimTokens(
  db: Queryable,
  r: { claimId: string; at: Date; by: Actor; reason: string },
): Promise<Date> {
  const { rows } = await db.query<{ revoked_before: Date }>(
    `INSERT INTO claim_token_revocations (claim_id, revoked_before, revoked_by, reason)
     VALUES ($1, $2, $3, $4)
     ON CONFLICT (claim_id) DO UPDATE
       SET revoked_before = GREATEST(claim_token_revocations.revoked_before, EXCLUDED.revoked_before),
           revoked_by = EXCLUDED.revoked_by, reason = EXCLUDED.reason
     RETURNING revoked_before`,
    [r.claimId, r.at, `${r.by.type}:${r.by.id}`, r.reason],
  );
  return rows[0]!.revoked_before;
}
