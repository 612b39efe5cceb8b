import type { Queryable } from '../db';
import { findClaimTokenState } from '../db/claim-tokens';
import { readClaimToken, tokenKeys, type ClaimTokenKeys } from '../domain/claim-token';

/** Moved below server/ so customer mails can link the status page; kept here for the routes' imports. */
export { claimToken, isClaimToken, submissionToken, tokenKeys, type ClaimTokenKeys } from '../domain/claim-token';

/** Why a presented token did not open the claim (logged, never told to the caller: every refusal is a 404). */
export type TokenRefusal = 'malformed' | 'signature' | 'expired' | 'revoked' | 'no_claim';

/**
 * The whole check of a customer's claim token: signature in constant time (current secret, or a previous one in
 * its rotation grace window), lifetime, and the claim's revocation in PostgreSQL. A token minted before tokens
 * carried their issue time counts as issued when its claim was submitted.
 */
export async function checkClaimToken(
  db: Queryable,
  keys: string | ClaimTokenKeys,
  claimId: string,
  presented: string,
  now: Date = new Date(),
): Promise<{ ok: true } | { ok: false; why: TokenRefusal }> {
  const reading = readClaimToken(keys, claimId, presented, now);
  if (!reading.ok) return reading;
  const state = await findClaimTokenState(db, claimId);
  if (!state) return { ok: false, why: 'no_claim' };
  const issuedAt = reading.issuedAt ?? state.submittedAt;
  if (now.getTime() - issuedAt.getTime() > tokenKeys(keys).lifetimeMs) return { ok: false, why: 'expired' };
  if (state.revokedBefore && issuedAt.getTime() < state.revokedBefore.getTime()) return { ok: false, why: 'revoked' };
  return { ok: true };
}

export async function verifyClaimToken(
  db: Queryable,
  keys: string | ClaimTokenKeys,
  claimId: string,
  presented: string,
): Promise<boolean> {
  return (await checkClaimToken(db, keys, claimId, presented)).ok;
}
