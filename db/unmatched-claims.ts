import type { Queryable } from './index';

/** A claim that named no known account: kept for staff, never a claim row (see migration 012). */
export interface UnmatchedClaim {
  id: string;
  namedAccountId: string | null;
  namedEmail: string | null;
  channel: string;
  reason: string;
  idempotencyKey: string | null;
  requestFingerprint: string;
}

export async function insertUnmatchedClaim(db: Queryable, u: UnmatchedClaim): Promise<void> {
  await db.query(
    `INSERT INTO unmatched_claims (id, named_account_id, named_email, channel, reason, idempotency_key, request_fingerprint)
     VALUES ($1, $2, $3, $4, $5, $6, $7)`,
    [u.id, u.namedAccountId, u.namedEmail, u.channel, u.reason, u.idempotencyKey, u.requestFingerprint],
  );
}

/** The unmatched claim sent earlier with this Idempotency-Key for the same named account, for an identical replay. */
export async function findUnmatchedClaimByIdempotencyKey(
  db: Queryable,
  named: { accountId: string | null; email: string | null },
  key: string,
): Promise<{ id: string; requestFingerprint: string } | undefined> {
  const { rows } = await db.query<{ id: string; request_fingerprint: string }>(
    `SELECT id, request_fingerprint FROM unmatched_claims
      WHERE COALESCE(named_account_id, '') = COALESCE($1, '') AND COALESCE(lower(named_email), '') = COALESCE(lower($2), '')
        AND idempotency_key = $3`,
    [named.accountId, named.email, key],
  );
  return rows[0] && { id: rows[0].id, requestFingerprint: rows[0].request_fingerprint };
}
