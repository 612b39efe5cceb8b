import { WorkflowNotFoundError, WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { Router, type Request } from 'express';
import {
  acceptDisputeUpdate,
  CHARGEBACK_REFUSALS,
  chargebackWorkflowId,
  confirmSubmissionUpdate,
  contestDisputeUpdate,
  reinstateAccountUpdate,
  suspendAccountUpdate,
  terminateAccountUpdate,
} from '../../common/chargeback';
import type { Db } from '../../db';
import { listCaseProcessorEvents } from '../../db/chargeback-inbox';
import { getChargeback, listChargebackDeadlines, listChargebackEvents, listChargebacks, listDisputeMovements } from '../../db/chargebacks';
import { getCreditHold } from '../../db/credit-holds';
import { listWebhookMessages } from '../../db/webhook-messages';
import { toStripeEvidence, type DisputeFacts } from '../../domain/chargebacks';
import { requireStaff, staffActor, STAFF_ROLES, type StaffPrincipal } from '../auth';
import { receiveDisputeEvent, type ChargebackIntakeDeps } from '../chargeback-intake';
import { ChargebackListQuery, ConfirmSubmissionBody, ContestBody, NeutralDisputeEventBody, StaffActionBody } from '../chargeback-schemas';
import { HttpError } from '../errors';

const FEEDERS = ['operator', 'admin'] as const;
const DECIDERS = ['lead', 'admin'] as const;
const FINANCE = ['finance', 'admin'] as const;

function neutralFacts(body: ReturnType<typeof NeutralDisputeEventBody.parse>): DisputeFacts {
  const d = body.dispute;
  return {
    processor: body.processor, eventId: body.eventId, kind: body.type, occurredAt: new Date(body.occurredAt).toISOString(), disputeId: d.id,
    chargeRef: d.chargeRef ?? null, paymentIntentRef: d.paymentIntentRef ?? null, amount: { amountMinor: d.amountMinor, currency: d.currency },
    reason: d.reason, processorStatus: d.status, dueBy: d.dueBy ? new Date(d.dueBy).toISOString() : null,
    balanceTransactions: d.balanceTransactions ?? [],
  };
}

/** A refused action is the caller's to fix (409); a case whose workflow has ended cannot act (409). */
async function act<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof WorkflowUpdateFailedError) {
      for (let cause: unknown = err.cause; cause instanceof Error; cause = cause.cause) {
        if (cause instanceof ApplicationFailure && cause.type === CHARGEBACK_REFUSALS.wrongState) throw new HttpError(409, cause.message);
      }
    }
    if (err instanceof WorkflowNotFoundError) throw new HttpError(409, 'the chargeback workflow is no longer running');
    throw err;
  }
}

/** Chargebacks over HTTP: processor-neutral intake, the case list and view, and staff actions. */
export function chargebackRoutes(deps: ChargebackIntakeDeps & { db: Db; temporal: Client }): Router {
  const router = Router();
  const { db, temporal } = deps;
  const handle = (id: string) => temporal.workflow.getHandle(chargebackWorkflowId(id));
  const actor = (res: { locals: Record<string, unknown> }) => staffActor(res.locals.staff as StaffPrincipal);

  async function existing(req: Request): Promise<string> {
    const id = String(req.params.chargebackId);
    if (!(await getChargeback(db, id))) throw new HttpError(404, 'no such chargeback');
    return id;
  }

  router.post('/v1/chargebacks', requireStaff(db, FEEDERS), async (req, res) => {
    const body = NeutralDisputeEventBody.parse(req.body);
    const receipt = await receiveDisputeEvent(deps, neutralFacts(body), body);
    res.status(receipt.duplicate ? 200 : 202).json(receipt);
  });

  router.get('/v1/chargebacks', requireStaff(db, STAFF_ROLES), async (req, res) => {
    const q = ChargebackListQuery.parse(req.query);
    const cases = await listChargebacks(db, q);
    res.json({ chargebacks: cases.map(({ evidence: _e, evidenceSubmission: _s, ...c }) => c) });
  });

  router.get('/v1/chargebacks/:chargebackId', requireStaff(db, STAFF_ROLES), async (req, res) => {
    const record = await getChargeback(db, String(req.params.chargebackId));
    if (!record) throw new HttpError(404, 'no such chargeback');
    const { evidence, evidenceSubmission, ...rest } = record;
    res.json({
      ...rest,
      evidence: evidence ? { pack: evidence, stripe: toStripeEvidence(evidence) } : null,
      evidenceSubmission,
      creditHold: (await getCreditHold(db, record.id)) ?? null,
      deadlines: await listChargebackDeadlines(db, record.id),
      movements: await listDisputeMovements(db, record.id),
      processorEvents: await listCaseProcessorEvents(db, record.id),
      webhooks: await listWebhookMessages(db, { chargebackId: record.id }),
      timeline: await listChargebackEvents(db, record.id),
    });
  });

  router.post('/v1/chargebacks/:chargebackId/accept', requireStaff(db, DECIDERS), async (req, res) => {
    const { why } = StaffActionBody.parse(req.body);
    const id = await existing(req);
    res.json({ status: await act(() => handle(id).executeUpdate(acceptDisputeUpdate, { args: [{ why, actor: actor(res) }] })) });
  });

  router.post('/v1/chargebacks/:chargebackId/contest', requireStaff(db, DECIDERS), async (req, res) => {
    const body = ContestBody.parse(req.body);
    const id = await existing(req);
    res.json({ status: await act(() => handle(id).executeUpdate(contestDisputeUpdate, { args: [{ ...body, actor: actor(res) }] })) });
  });

  router.post('/v1/chargebacks/:chargebackId/confirm-submission', requireStaff(db, FINANCE), async (req, res) => {
    const body = ConfirmSubmissionBody.parse(req.body);
    const id = await existing(req);
    res.json({ status: await act(() => handle(id).executeUpdate(confirmSubmissionUpdate, { args: [{ ...body, actor: actor(res) }] })) });
  });

  const accountAction = (path: string, update: typeof suspendAccountUpdate) =>
    router.post(`/v1/chargebacks/:chargebackId/${path}`, requireStaff(db, DECIDERS), async (req, res) => {
      const { why } = StaffActionBody.parse(req.body);
      const id = await existing(req);
      res.json(await act(() => handle(id).executeUpdate(update, { args: [{ why, actor: actor(res) }] })));
    });
  accountAction('suspend', suspendAccountUpdate);
  accountAction('reinstate', reinstateAccountUpdate);
  accountAction('terminate', terminateAccountUpdate);

  return router;
}
