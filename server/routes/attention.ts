import type { Client } from '@temporalio/client';
import { Router } from 'express';
import type { Db } from '../../db';
import { answerCaseAttention, ATTENTION_ROLES } from '../attention-actions';
import { requireStaff, type StaffPrincipal } from '../auth';
import { claimFromPath } from '../claim-refusals';

/** A claim stopped by a failure retrying cannot fix: a lead retries or closes it (workflows/claim-guard.ts). */
export function attentionRoutes(db: Db, temporal: Client): Router {
  const router = Router();
  router.post('/v1/cases/:claimId/attention', requireStaff(db, ATTENTION_ROLES), async (req, res) => {
    const claim = await claimFromPath(db, req.params);
    res.json(await answerCaseAttention({ db, temporal }, claim, req.body, res.locals.staff as StaffPrincipal));
  });
  return router;
}
