import { Router } from 'express';
import { z } from 'zod';
import type { Db } from '../../db';
import { claimViewer, STAFF_ROLES, staffActor, type StaffRole } from '../auth';
import { claimFromPath } from '../claim-refusals';
import { claimToken, type ClaimTokenKeys } from '../claim-token';
import { revokeClaimTokensNow } from '../claim-token-revocation';
import { HttpError } from '../errors';

export const RevokeTokensBody = z.object({ reason: z.string().trim().max(500).optional() }).strict();

/** Staff roles that may revoke a customer's links (the operator feeds the ledger and never sees claims). */
const REVOKING_ROLES: readonly StaffRole[] = STAFF_ROLES.filter((r) => r !== 'operator');

/**
 * `POST /v1/claims/:claimId/token/revoke`: every claim token issued so far stops working (a leaked mail, a shared
 * link). The customer revoking with their token gets a fresh one back; staff revoke and the next mail carries a new link.
 */
export function claimTokenRoutes(deps: { db: Db; claimTokenSecret: string; claimTokens?: ClaimTokenKeys }): Router {
  const router = Router();
  const keys = deps.claimTokens ?? deps.claimTokenSecret;

  router.post('/v1/claims/:claimId/token/revoke', async (req, res) => {
    const claim = await claimFromPath(deps.db, req.params);
    const viewer = await claimViewer(deps.db, keys, req, claim.claimId);
    if (viewer.kind === 'staff' && !REVOKING_ROLES.includes(viewer.role))
      throw new HttpError(403, `role ${viewer.role} may not revoke claim tokens`);
    const { reason } = RevokeTokensBody.parse(req.body ?? {});
    const actor = viewer.kind === 'staff' ? staffActor(viewer) : { type: 'customer' as const, id: claim.accountId };
    const revokedBefore = await revokeClaimTokensNow(deps.db, claim.claimId, actor, reason);
    res.json({
      claimId: claim.claimId,
      revokedBefore: revokedBefore.toISOString(),
      ...(viewer.kind === 'customer' ? { claimToken: claimToken(keys, claim.claimId, revokedBefore) } : {}),
    });
  });

  return router;
}
