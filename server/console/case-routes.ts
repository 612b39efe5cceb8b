import { Router, type Request, type Response } from 'express';
import { accountCurrency } from '../../db/accounts';
import { answerCaseAttention, ATTENTION_ROLES } from '../attention-actions';
import { staffActor, type StaffPrincipal } from '../auth';
import { CASE_PERMISSIONS, confirmCasePayout, decideCase, requestCaseInfo } from '../case-actions';
import { claimFromPath } from '../claim-refusals';
import { revokeClaimTokensNow } from '../claim-token-revocation';
import { toHttpError } from '../errors';
import { amountToMinor } from './amount';
import { money, words } from './format';
import { casePage, loadCase } from './case-page';
import type { ConsoleDeps } from './deps';
import { renderPage } from './render';
import { requireRole } from './session';

type Form = Record<string, string | undefined>;

/** The case page and its actions; each action calls the same function the API route does, as the signed-in person. */
export function caseRoutes(deps: ConsoleDeps): Router {
  const router = Router();

  const showCase = async (req: Request, res: Response, status = 200) => {
    const claim = await claimFromPath(deps.db, req.params);
    const loaded = await loadCase(deps.db, deps.policies, claim);
    const staff = res.locals.staff as StaffPrincipal;
    renderPage(
      req,
      res,
      { title: `Claim ${claim.claimId}`, current: 'queue' },
      casePage(loaded, staff, req.csrfToken!()),
      status,
    );
  };

  /** Runs an action; success goes back to the case with the result, a refusal shows the case with the reason. */
  const act = (run: (req: Request, res: Response) => Promise<string>) => async (req: Request, res: Response) => {
    try {
      const result = await run(req, res);
      req.session.flash = { kind: 'ok', text: result };
      res.redirect(303, `/console/cases/${String(req.params.claimId)}`);
    } catch (err) {
      const known = toHttpError(err);
      if (!known || known.status === 404) throw err;
      req.session.flash = { kind: 'error', text: `Refused: ${known.message}` };
      await showCase(req, res, known.status);
    }
  };

  router.get('/cases/:claimId', requireRole(CASE_PERMISSIONS.view), (req, res) => showCase(req, res));

  router.post(
    '/cases/:claimId/attention',
    requireRole(ATTENTION_ROLES),
    act(async (req, res) => {
      const claim = await claimFromPath(deps.db, req.params);
      const form = req.body as Form;
      const input = { action: form.action, why: form.why };
      const result = await answerCaseAttention(deps, claim, input, res.locals.staff as StaffPrincipal);
      return `${form.action === 'retry' ? 'Retried' : 'Closed'}. The claim is now ${words(result.status)}.`;
    }),
  );

  router.post(
    '/cases/:claimId/decision',
    requireRole(CASE_PERMISSIONS.decide),
    act(async (req, res) => {
      const claim = await claimFromPath(deps.db, req.params);
      const form = req.body as Form;
      const currency = claim.decision?.amount.currency ?? (await accountCurrency(deps.db, claim.accountId)) ?? 'USD';
      const input = {
        outcome: form.outcome,
        amountMinor: form.outcome === 'partially_approved' ? amountToMinor(form.amount, currency) : undefined,
        // A denial pays nothing, whatever the remedy menu shows.
        remedy: form.outcome === 'denied' ? 'none' : form.remedy,
        note: form.note?.trim() || undefined,
      };
      const result = await decideCase(deps, claim, input, res.locals.staff as StaffPrincipal);
      const d = result.decision;
      return `Decision recorded: ${words(d?.outcome)}, ${money(d?.amount)} as ${words(d?.remedy)}. The claim is now ${words(result.status)}.`;
    }),
  );

  router.post(
    '/cases/:claimId/request-info',
    requireRole(CASE_PERMISSIONS.requestInfo),
    act(async (req, res) => {
      const claim = await claimFromPath(deps.db, req.params);
      const result = await requestCaseInfo(
        deps,
        claim,
        { message: (req.body as Form).message },
        res.locals.staff as StaffPrincipal,
      );
      return `Information requested from the customer. The claim is now ${words(result.status)}.`;
    }),
  );

  router.post(
    '/cases/:claimId/payout-confirmation',
    requireRole(CASE_PERMISSIONS.confirmPayout),
    act(async (req, res) => {
      const claim = await claimFromPath(deps.db, req.params);
      const form = req.body as Form;
      const result = await confirmCasePayout(
        deps,
        claim,
        { processorReference: form.processorReference },
        res.locals.staff as StaffPrincipal,
      );
      return `Payout confirmed with reference ${form.processorReference ?? ''}. The claim is now ${words(result.status)}.`;
    }),
  );

  router.post(
    '/cases/:claimId/revoke-links',
    requireRole(CASE_PERMISSIONS.view),
    act(async (req, res) => {
      const claim = await claimFromPath(deps.db, req.params);
      const reason = (req.body as Form).reason?.trim().slice(0, 500) || undefined;
      await revokeClaimTokensNow(deps.db, claim.claimId, staffActor(res.locals.staff as StaffPrincipal), reason);
      return "The customer's earlier links and tokens no longer work; the next mail carries a new link.";
    }),
  );

  return router;
}
