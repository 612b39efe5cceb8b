import type { Client } from '@temporalio/client';
import { Router, type Request, type RequestHandler, type Response } from 'express';
import type { Db } from '../../db';
import { findClaim } from '../../db/claims';
import { customerReplyUpdate, withdrawUpdate } from '../../common/messages';
import { claimViewer, requireClaimToken } from '../auth';
import type { ClaimTokenKeys } from '../claim-token';
import { claimFromPath, requireOpenClaim } from '../claim-refusals';
import { claimView } from '../claim-view';
import { HttpError } from '../errors';
import { submitClaim, type IntakeDeps } from '../intake';
import { claimsPerAccount } from '../rate-limits';
import type { ApiSecurity } from '../security';
import { ClaimBody, ClaimIdParam, CustomerReplyBody, WithdrawBody } from '../schemas';
import { claimAction } from '../temporal';

const ACKNOWLEDGEMENT =
  "mailed to the account's address on file, with the link that reads, answers or withdraws this claim";

/** The token is checked before the claim is looked up, so an unknown id and a known one answer alike. */
async function tokenForPath(db: Db, secret: string | ClaimTokenKeys, req: Request): Promise<string> {
  const claimId = ClaimIdParam.safeParse(req.params).data?.claimId ?? '';
  await requireClaimToken(db, secret, req, claimId);
  return claimId;
}

/** The customer's side: submit, read, reply, withdraw. */
export function claimRoutes(deps: IntakeDeps & { temporal: Client; db: Db; security?: ApiSecurity }): Router {
  const router = Router();
  const secret = deps.security?.claimTokens ?? deps.claimTokenSecret;
  // After the JSON body is parsed (it names the account); the per-client limit runs earlier, in server/app.ts.
  const perAccount: RequestHandler[] = deps.security ? [claimsPerAccount(deps.db, deps.security.rateLimits)] : [];

  router.post('/v1/claims', ...perAccount, async (req: Request, res: Response) => {
    const submission = ClaimBody.parse(req.body);
    const key = req.get('idempotency-key')?.trim() || null;
    if (key && key.length > 200) throw new HttpError(400, 'Idempotency-Key must be at most 200 characters');
    const claim = await submitClaim(deps, submission, 'api', key);
    // The same answer whether or not the account exists: its token travels only in the acknowledgement mail,
    // to the account's address on file, so the answer neither reveals an account nor opens one to a stranger.
    res.status(claim.replayed ? 200 : 202).json({
      claimId: claim.claimId,
      status: claim.status,
      acknowledgement: ACKNOWLEDGEMENT,
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
    await tokenForPath(deps.db, secret, req);
    const claim = await claimFromPath(deps.db, req.params);
    const { claimId } = claim;
    const reply = CustomerReplyBody.parse(req.body);
    await requireOpenClaim(deps.db, claim);
    const status = await claimAction(deps.temporal, claimId, customerReplyUpdate, [reply]);
    res.json({ claimId, status });
  });

  router.post('/v1/claims/:claimId/withdraw', async (req, res) => {
    await tokenForPath(deps.db, secret, req);
    const claim = await claimFromPath(deps.db, req.params);
    const { claimId } = claim;
    const body = WithdrawBody.parse(req.body ?? {});
    await requireOpenClaim(deps.db, claim);
    const status = await claimAction(deps.temporal, claimId, withdrawUpdate, [body]);
    res.json({ claimId, status });
  });

  return router;
}
