import type { Client } from '@temporalio/client';
import { Router } from 'express';
import { confirmPayoutUpdate, decideUpdate, requestInfoUpdate } from '../../common/messages';
import type { Db } from '../../db';
import { getClaim, listCases } from '../../db/claims';
import type { PolicyStore } from '../../db/policies';
import { findPayout } from '../../db/remedies';
import { requireStaff, staffActor, type StaffPrincipal } from '../auth';
import { caseView } from '../case-view';
import { claimFromPath, isSameDecision, requireOpenClaim } from '../claim-refusals';
import { HttpError } from '../errors';
import { CaseQuery, DecisionBody, InfoRequestBody, PayoutConfirmationBody } from '../schemas';
import { claimAction } from '../temporal';

/** Who may do what: agents triage, leads decide, finance confirms payouts, admins do everything. */
export const CASE_PERMISSIONS = {
  view: ['agent', 'lead', 'finance', 'admin'],
  decide: ['lead', 'admin'],
  requestInfo: ['agent', 'lead', 'admin'],
  confirmPayout: ['finance', 'admin'],
} as const;

/** Support and finance work on cases; every action goes through the claim's workflow. */
export function caseRoutes(db: Db, temporal: Client, policies: PolicyStore): Router {
  const router = Router();

  /** Every action answers with the status the claim has after it, read once the claim has moved. */
  const statusNow = async (claimId: string) => (await getClaim(db, claimId)).status;

  router.get('/v1/cases', requireStaff(db, CASE_PERMISSIONS.view), async (req, res) => {
    const filter = CaseQuery.parse(req.query);
    const cases = await listCases(db, filter);
    res.json({
      cases: cases.map((c) => ({
        claimId: c.claimId, status: c.status, reason: c.reason, accountId: c.accountId, policyId: c.policyId,
        submittedAt: c.submittedAt, escalatedAt: c.escalatedAt, escalationLevel: c.escalationLevel,
        outcome: c.decision?.outcome ?? null,
      })),
    });
  });

  router.get('/v1/cases/:claimId', requireStaff(db, CASE_PERMISSIONS.view), async (req, res) => {
    const claim = await claimFromPath(db, req.params);
    res.json(await caseView(db, policies, claim));
  });

  router.post('/v1/cases/:claimId/decision', requireStaff(db, CASE_PERMISSIONS.decide), async (req, res) => {
    const claim = await claimFromPath(db, req.params);
    const body = DecisionBody.parse(req.body);
    const actor = staffActor(res.locals.staff as StaffPrincipal);
    // The same decision sent again gets the first answer, even after the claim has closed.
    if (isSameDecision(claim.decision, { ...body, actor })) {
      res.json({ claimId: claim.claimId, status: claim.status, decision: claim.decision });
      return;
    }
    await requireOpenClaim(db, claim);
    const decision = await claimAction(temporal, claim.claimId, decideUpdate, [{ ...body, actor }]);
    res.json({ claimId: claim.claimId, status: await statusNow(claim.claimId), decision });
  });

  router.post('/v1/cases/:claimId/request-info', requireStaff(db, CASE_PERMISSIONS.requestInfo), async (req, res) => {
    const claim = await claimFromPath(db, req.params);
    const { message } = InfoRequestBody.parse(req.body);
    const actor = staffActor(res.locals.staff as StaffPrincipal);
    await requireOpenClaim(db, claim);
    const status = await claimAction(temporal, claim.claimId, requestInfoUpdate, [{ message, actor }]);
    res.json({ claimId: claim.claimId, status });
  });

  router.post('/v1/cases/:claimId/payout-confirmation', requireStaff(db, CASE_PERMISSIONS.confirmPayout), async (req, res) => {
    const claim = await claimFromPath(db, req.params);
    const { processorReference } = PayoutConfirmationBody.parse(req.body);
    const actor = staffActor(res.locals.staff as StaffPrincipal);
    const payout = await findPayout(db, claim.claimId);
    if (payout?.status === 'confirmed' && payout.confirmedReference !== processorReference) {
      throw new HttpError(409, `the payout of claim ${claim.claimId} was already confirmed with processor reference ${payout.confirmedReference}`);
    }
    // Confirming again with the same reference is the same confirmation.
    if (payout?.status === 'confirmed' && claim.status === 'closed') {
      res.json({ claimId: claim.claimId, status: claim.status });
      return;
    }
    await requireOpenClaim(db, claim);
    const status = await claimAction(temporal, claim.claimId, confirmPayoutUpdate, [{ processorReference, actor }]);
    res.json({ claimId: claim.claimId, status });
  });

  return router;
}
