import type { Client } from '@temporalio/client';
import { Router } from 'express';
import type { Db } from '../../db';
import { findClaim } from '../../db/claims';
import { customerReplyUpdate, withdrawUpdate } from '../../common/messages';
import { claimViewer, requireClaimToken } from '../auth';
import { claimFromPath, requireOpenClaim } from '../claim-refusals';
import { claimView } from '../claim-view';
import { HttpError } from '../errors';
import { submitClaim, type IntakeDeps } from '../intake';
import { ClaimBody, ClaimIdParam, CustomerReplyBody, WithdrawBody } from '../schemas';
import { claimAction } from '../temporal';

/** The customer's side: submit, read, reply, withdraw. */
export function claimRoutes(deps: IntakeDeps & { temporal: Client; db: Db }): Router {
  const router = Router();
  const secret = deps.claimTokenSecret;

  router.post('/v1/claims', async (req, res) => {
    const submission = ClaimBody.parse(req.body);
    const key = req.get('idempotency-key')?.trim() || null;
    if (key && key.length > 200) throw new HttpError(400, 'Idempotency-Key must be at most 200 characters');
    const claim = await submitClaim(deps, submission, 'api', key);
    res.status(claim.replayed ? 200 : 202).json({
      claimId: claim.claimId,
      status: claim.status,
      claimToken: claim.claimToken,
      links: { self: `/v1/claims/${claim.claimId}` },
    });
  });

  router.get('/v1/claims/:claimId', async (req, res) => {
    const parsed = ClaimIdParam.safeParse(req.params);
    if (!parsed.success) throw new HttpError(404, 'no such claim');
    const { claimId } = parsed.data;
    const viewer = await claimViewer(deps.db, secret, req, claimId);
    const claim = await findClaim(deps.db, claimId);
    if (!claim) throw new HttpError(404, 'no such claim');
    res.json(await claimView(deps.db, claim, viewer.kind));
  });

  router.post('/v1/claims/:claimId/reply', async (req, res) => {
    const claim = await claimFromPath(deps.db, req.params);
    const { claimId } = claim;
    requireClaimToken(secret, req, claimId);
    const reply = CustomerReplyBody.parse(req.body);
    await requireOpenClaim(deps.db, claim);
    const status = await claimAction(deps.temporal, claimId, customerReplyUpdate, [reply]);
    res.json({ claimId, status });
  });

  router.post('/v1/claims/:claimId/withdraw', async (req, res) => {
    const claim = await claimFromPath(deps.db, req.params);
    const { claimId } = claim;
    requireClaimToken(secret, req, claimId);
    const body = WithdrawBody.parse(req.body ?? {});
    await requireOpenClaim(deps.db, claim);
    const status = await claimAction(deps.temporal, claimId, withdrawUpdate, [body]);
    res.json({ claimId, status });
  });

  return router;
}
