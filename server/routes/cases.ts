import type { Client } from '@temporalio/client';
import { Router } from 'express';
import { confirmPayoutUpdate, decideUpdate, requestInfoUpdate } from '../../common/messages';
import type { Db } from '../../db';
import { findClaim, listCases } from '../../db/claims';
import { requireStaff, staffActor, type StaffPrincipal } from '../auth';
import { HttpError } from '../errors';
import { CaseQuery, ClaimIdParam, DecisionBody, InfoRequestBody, PayoutConfirmationBody } from '../schemas';
import { claimHandle } from '../temporal';

/** Who may do what: agents triage, leads decide, finance confirms payouts, admins do everything. */
export const CASE_PERMISSIONS = {
  view: ['agent', 'lead', 'finance', 'admin'],
  decide: ['lead', 'admin'],
  requestInfo: ['agent', 'lead', 'admin'],
  confirmPayout: ['finance', 'admin'],
} as const;

/** Support and finance work on cases; every action goes through the claim's workflow. */
export function caseRoutes(db: Db, temporal: Client): Router {
  const router = Router();

  async function existingClaimId(params: unknown): Promise<string> {
    const { claimId } = ClaimIdParam.parse(params);
    if (!(await findClaim(db, claimId))) throw new HttpError(404, 'no such claim');
    return claimId;
  }

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

  router.post('/v1/cases/:claimId/decision', requireStaff(db, CASE_PERMISSIONS.decide), async (req, res) => {
    const claimId = await existingClaimId(req.params);
    const body = DecisionBody.parse(req.body);
    const actor = staffActor(res.locals.staff as StaffPrincipal);
    const decision = await claimHandle(temporal, claimId).executeUpdate(decideUpdate, { args: [{ ...body, actor }] });
    res.json({ claimId, decision });
  });

  router.post('/v1/cases/:claimId/request-info', requireStaff(db, CASE_PERMISSIONS.requestInfo), async (req, res) => {
    const claimId = await existingClaimId(req.params);
    const { message } = InfoRequestBody.parse(req.body);
    const actor = staffActor(res.locals.staff as StaffPrincipal);
    const status = await claimHandle(temporal, claimId).executeUpdate(requestInfoUpdate, { args: [{ message, actor }] });
    res.json({ claimId, status });
  });

  router.post('/v1/cases/:claimId/payout-confirmation', requireStaff(db, CASE_PERMISSIONS.confirmPayout), async (req, res) => {
    const claimId = await existingClaimId(req.params);
    const { processorReference } = PayoutConfirmationBody.parse(req.body);
    const actor = staffActor(res.locals.staff as StaffPrincipal);
    const status = await claimHandle(temporal, claimId).executeUpdate(confirmPayoutUpdate, { args: [{ processorReference, actor }] });
    res.json({ claimId, status });
  });

  return router;
}
