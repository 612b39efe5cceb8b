import { Router, type Request, type Response } from 'express';
import { STRIPE_TEXT_FIELDS, type StripeDisputeEvidence } from '../../domain/chargebacks';
import type { StaffPrincipal } from '../auth';
import {
  acceptChargeback,
  CHARGEBACK_PERMISSIONS,
  chargebackFromPath,
  changeChargebackAccount,
  confirmChargebackSubmission,
  contestChargeback,
  type ActionAnswer,
} from '../chargeback-actions';
import { toHttpError } from '../errors';
import { chargebackPage, contestPage, loadChargeback } from './chargeback-page';
import type { ConsoleDeps } from './deps';
import { words } from './format';
import { renderPage } from './render';
import { requireRole } from './session';

type Form = Record<string, string | undefined>;

/** Browsers send textarea line breaks as CRLF; the stored evidence uses LF. */
const lf = (text: string) => text.replace(/\r\n/g, '\n');

/** Only the fields a person changed become edits, so the timeline names what was edited. */
function evidenceEdits(form: Form, mapped: StripeDisputeEvidence): StripeDisputeEvidence | undefined {
  const edits: StripeDisputeEvidence = {};
  for (const field of STRIPE_TEXT_FIELDS) {
    const sent = form[`ev_${field}`];
    if (sent !== undefined && lf(sent) !== (mapped[field] ?? '')) edits[field] = lf(sent);
  }
  return Object.keys(edits).length ? edits : undefined;
}

/** The result in words, or word that it goes on: the processor has not answered within the answer's bound. */
function told<T>(action: ActionAnswer<T>, say: (result: T) => string): string {
  return action.done
    ? say(action.result)
    : 'Sent. The action is still in progress (the processor has not answered yet); the timeline shows when it is done.';
}

/** The chargeback case page and its actions; each action calls the same function the API route does, as the signed-in person. */
export function chargebackRoutes(deps: ConsoleDeps): Router {
  const router = Router();
  const staff = (res: Response) => res.locals.staff as StaffPrincipal;
  const id = (req: Request) => String(req.params.chargebackId);

  const showChargeback = async (req: Request, res: Response, status = 200) => {
    const loaded = await loadChargeback(deps.db, deps.policies, await chargebackFromPath(deps.db, req.params));
    renderPage(
      req,
      res,
      { title: `Chargeback ${loaded.view.id}`, current: 'queue' },
      chargebackPage(loaded, staff(res), req.csrfToken!()),
      status,
    );
  };

  /** Runs an action; success goes back to the case with the result, a refusal shows the case with the reason. */
  const act = (run: (req: Request, res: Response) => Promise<string>) => async (req: Request, res: Response) => {
    try {
      req.session.flash = { kind: 'ok', text: await run(req, res) };
      res.redirect(303, `/console/chargebacks/${id(req)}`);
    } catch (err) {
      const known = toHttpError(err);
      if (!known || known.status === 404) throw err;
      req.session.flash = { kind: 'error', text: `Refused: ${known.message}` };
      await showChargeback(req, res, known.status);
    }
  };
  const why = (req: Request) => ({ why: (req.body as Form).why ?? '' });

  router.get('/chargebacks/:chargebackId', requireRole(CHARGEBACK_PERMISSIONS.view), (req, res) =>
    showChargeback(req, res),
  );

  router.get('/chargebacks/:chargebackId/contest', requireRole(CHARGEBACK_PERMISSIONS.decide), async (req, res) => {
    const loaded = await loadChargeback(deps.db, deps.policies, await chargebackFromPath(deps.db, req.params));
    renderPage(
      req,
      res,
      { title: `Contest ${loaded.view.id}`, current: 'queue' },
      contestPage(loaded, req.csrfToken!()),
    );
  });

  router.post(
    '/chargebacks/:chargebackId/contest',
    requireRole(CHARGEBACK_PERMISSIONS.decide),
    act(async (req, res) => {
      const loaded = await loadChargeback(deps.db, deps.policies, await chargebackFromPath(deps.db, req.params));
      const form = req.body as Form;
      const evidence = evidenceEdits(form, loaded.view.evidence?.stripe ?? {});
      const action = await contestChargeback(
        deps,
        id(req),
        { evidence, note: form.note?.trim() || undefined },
        staff(res),
      );
      const edited = Object.keys(evidence ?? {});
      return told(
        action,
        (status) =>
          `Contested${edited.length ? `, with ${edited.map(words).join(', ')} edited` : ' with the evidence pack as built'}. The chargeback is now ${words(status)}.`,
      );
    }),
  );

  router.post(
    '/chargebacks/:chargebackId/accept',
    requireRole(CHARGEBACK_PERMISSIONS.decide),
    act(async (req, res) => {
      const action = await acceptChargeback(deps, id(req), why(req), staff(res));
      return told(action, (status) => `Dispute accepted. The chargeback is now ${words(status)}.`);
    }),
  );

  router.post(
    '/chargebacks/:chargebackId/confirm-submission',
    requireRole(CHARGEBACK_PERMISSIONS.confirmSubmission),
    act(async (req, res) => {
      const reference = (req.body as Form).processorReference?.trim() || undefined;
      const action = await confirmChargebackSubmission(deps, id(req), { processorReference: reference }, staff(res));
      return told(
        action,
        (status) =>
          `Submission confirmed${reference ? ` with reference ${reference}` : ''}. The chargeback is now ${words(status)}.`,
      );
    }),
  );

  for (const action of ['reinstate', 'terminate'] as const) {
    router.post(
      `/chargebacks/:chargebackId/${action}`,
      requireRole(CHARGEBACK_PERMISSIONS.decide),
      act(async (req, res) => {
        const answer = await changeChargebackAccount(deps, id(req), action, why(req), staff(res));
        return told(
          answer,
          (state) =>
            `Account ${action === 'reinstate' ? 'reinstated' : 'terminated'}: it is now ${state.accountStatus ?? 'unknown'}. The chargeback is ${words(state.status)}.`,
        );
      }),
    );
  }

  return router;
}
