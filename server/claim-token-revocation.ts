import type { Actor } from '../common/claim';
import { withTransaction, type Db } from '../db';
import { revokeClaimTokens } from '../db/claim-tokens';
import { appendClaimEvent } from '../db/events';

/**
 * Refuses every claim token (and so every mailed status link) of the claim issued before now, and logs who did it
 * and why on the claim's timeline; returns the instant from which tokens are good again.
 */
export async function revokeClaimTokensNow(
  db: Db,
  claimId: string,
  actor: Actor,
  reason: string | undefined,
): Promise<Date> {
  const at = new Date();
  return withTransaction(db, async (tx) => {
    const line = await revokeClaimTokens(tx, { claimId, at, by: actor, reason: reason ?? '' });
    await appendClaimEvent(tx, {
      claimId,
      eventKey: `tokens-revoked:${at.toISOString()}`,
      type: 'tokens_revoked',
      actor,
      why: `claim tokens issued before ${line.toISOString()} revoked${reason ? `: ${reason}` : ''}`,
    });
    return line;
  });
}
