import { Router, type Response } from 'express';
import { listChargebacks } from '../../db/chargebacks';
import type { DisputeFacts } from '../../domain/chargebacks';
import { requireStaff, type StaffPrincipal } from '../auth';
import {
  ACCOUNT_ACTIONS,
  acceptChargeback,
  CHARGEBACK_PERMISSIONS,
  chargebackFromPath,
  chargebackView,
  changeChargebackAccount,
  confirmChargebackSubmission,
  contestChargeback,
  type ActionAnswer,
  type ChargebackActionDeps,
} from '../chargeback-actions';
import { receiveDisputeEvent, type ChargebackIntakeDeps } from '../chargeback-intake';
import { ChargebackListQuery, NeutralDisputeEventBody } from '../chargeback-schemas';
import { ChargebackIdParam, pathParam } from '../schemas';

function neutralFacts(body: ReturnType<typeof NeutralDisputeEventBody.parse>): DisputeFacts {
  const d = body.dispute;
  return {
    processor: body.processor,
    eventId: body.eventId,
    kind: body.type,
    occurredAt: new Date(body.occurredAt).toISOString(),
    disputeId: d.id,
    chargeRef: d.chargeRef ?? null,
    paymentIntentRef: d.paymentIntentRef ?? null,
    amount: { amountMinor: d.amountMinor, currency: d.currency },
    reason: d.reason,
    processorStatus: d.status,
    dueBy: d.dueBy ? new Date(d.dueBy).toISOString() : null,
    balanceTransactions: d.balanceTransactions ?? [],
  };
}

/** 200 with the workflow's answer, or 202 while the action goes on past the answer's bound (the timeline shows its end). */
function answer<T>(res: Response, action: ActionAnswer<T>, reply: (result: T) => unknown): void {
  if (action.done) res.json(reply(action.result));
  else
    res.status(202).json({
      actionId: action.actionId,
      inProgress: true,
      message: 'the action is in progress; the chargeback timeline shows when it is done',
    });
}
const statusReply = (status: string) => ({ status });

/** Chargebacks over HTTP: processor-neutral intake, the case list and view, and staff actions (shared with the console). */
export function chargebackRoutes(deps: ChargebackIntakeDeps & ChargebackActionDeps): Router {
  const router = Router();
  const { db } = deps;
  const staff = (res: { locals: Record<string, unknown> }) => res.locals.staff as StaffPrincipal;
  const id = (req: { params: Record<string, unknown> }) => pathParam(req.params, 'chargebackId', ChargebackIdParam);

  router.post('/v1/chargebacks', requireStaff(db, CHARGEBACK_PERMISSIONS.feed), async (req, res) => {
    const body = NeutralDisputeEventBody.parse(req.body);
    const receipt = await receiveDisputeEvent(deps, neutralFacts(body), body);
    res.status(receipt.duplicate ? 200 : 202).json(receipt);
  });

  router.get('/v1/chargebacks', requireStaff(db, CHARGEBACK_PERMISSIONS.view), async (req, res) => {
    const q = ChargebackListQuery.parse(req.query);
    const cases = await listChargebacks(db, q);
    res.json({ chargebacks: cases.map(({ evidence: _e, evidenceSubmission: _s, ...c }) => c) });
  });

  router.get('/v1/chargebacks/:chargebackId', requireStaff(db, CHARGEBACK_PERMISSIONS.view), async (req, res) => {
    res.json(await chargebackView(db, await chargebackFromPath(db, { chargebackId: id(req) })));
  });

  router.post(
    '/v1/chargebacks/:chargebackId/accept',
    requireStaff(db, CHARGEBACK_PERMISSIONS.decide),
    async (req, res) => {
      answer(res, await acceptChargeback(deps, id(req), req.body, staff(res)), statusReply);
    },
  );

  router.post(
    '/v1/chargebacks/:chargebackId/contest',
    requireStaff(db, CHARGEBACK_PERMISSIONS.decide),
    async (req, res) => {
      answer(res, await contestChargeback(deps, id(req), req.body, staff(res)), statusReply);
    },
  );

  router.post(
    '/v1/chargebacks/:chargebackId/confirm-submission',
    requireStaff(db, CHARGEBACK_PERMISSIONS.confirmSubmission),
    async (req, res) => {
      answer(res, await confirmChargebackSubmission(deps, id(req), req.body, staff(res)), statusReply);
    },
  );

  for (const action of ACCOUNT_ACTIONS) {
    router.post(
      `/v1/chargebacks/:chargebackId/${action}`,
      requireStaff(db, CHARGEBACK_PERMISSIONS.decide),
      async (req, res) => {
        answer(res, await changeChargebackAccount(deps, id(req), action, req.body, staff(res)), (state) => state);
      },
    );
  }

  return router;
}
