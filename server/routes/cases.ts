import type { Client } from '@temporalio/client';
import { Router } from 'express';
import type { Db } from '../../db';
import { listCases } from '../../db/claims';
import type { PolicyStore } from '../../db/policies';
import { requireStaff, type StaffPrincipal } from '../auth';
import { CASE_PERMISSIONS, confirmCasePayout, decideCase, requestCaseInfo } from '../case-actions';
import { caseView } from '../case-view';
import { claimFromPath } from '../claim-refusals';
import { encodeCursor } from '../queue-cursor';
import { CaseQuery } from '../schemas';

/** Support and finance work on cases; every action goes through the claim's workflow. */
export function caseRoutes(db: Db, temporal: Client, policies: PolicyStore): Router {
  const router = Router();
  const deps = { db, temporal };

  router.get('/v1/cases', requireStaff(db, CASE_PERMISSIONS.view), async (req, res) => {
    const { cursor, ...filter } = CaseQuery.parse(req.query);
    const page = await listCases(db, { ...filter, after: cursor });
    const last = page.cases.at(-1);
    res.json({
      cases: page.cases.map((c) => ({
        claimId: c.claimId,
        status: c.status,
        reason: c.reason,
        accountId: c.accountId,
        policyId: c.policyId,
        submittedAt: c.submittedAt,
        nextDueAt: c.nextDueAt,
        escalatedAt: c.escalatedAt,
        escalationLevel: c.escalationLevel,
        outcome: c.decision?.outcome ?? null,
        attention: c.attention,
      })),
      next: page.more && last ? encodeCursor(last.position) : null,
    });
  });

  router.get('/v1/cases/:claimId', requireStaff(db, CASE_PERMISSIONS.view), async (req, res) => {
    const claim = await claimFromPath(db, req.params);
    res.json(await caseView(db, policies, claim));
  });

  router.post('/v1/cases/:claimId/decision', requireStaff(db, CASE_PERMISSIONS.decide), async (req, res) => {
    res.json(await decideCase(deps, await claimFromPath(db, req.params), req.body, res.locals.staff as StaffPrincipal));
  });

  router.post('/v1/cases/:claimId/request-info', requireStaff(db, CASE_PERMISSIONS.requestInfo), async (req, res) => {
    res.json(
      await requestCaseInfo(deps, await claimFromPath(db, req.params), req.body, res.locals.staff as StaffPrincipal),
    );
  });

  router.post(
    '/v1/cases/:claimId/payout-confirmation',
    requireStaff(db, CASE_PERMISSIONS.confirmPayout),
    async (req, res) => {
      res.json(
        await confirmCasePayout(
          deps,
          await claimFromPath(db, req.params),
          req.body,
          res.locals.staff as StaffPrincipal,
        ),
      );
    },
  );

  return router;
}
