import { WorkflowNotFoundError, WorkflowUpdateFailedError, WorkflowUpdateStage, type Client } from '@temporalio/client';
import { ApplicationFailure, type UpdateDefinition } from '@temporalio/common';
import {
  acceptDisputeUpdate,
  CHARGEBACK_REFUSALS,
  chargebackWorkflowId,
  confirmSubmissionUpdate,
  contestDisputeUpdate,
  reinstateAccountUpdate,
  suspendAccountUpdate,
  terminateAccountUpdate,
} from '../common/chargeback';
import type { Db } from '../db';
import { listCaseProcessorEvents } from '../db/chargeback-inbox';
import {
  getChargeback,
  listChargebackDeadlines,
  listChargebackEvents,
  listDisputeMovements,
  type ChargebackRecord,
} from '../db/chargebacks';
import { getCreditHold } from '../db/credit-holds';
import { listWebhookMessages } from '../db/webhook-messages';
import { toStripeEvidence } from '../domain/chargebacks';
import { staffActor, STAFF_ROLES, type StaffPrincipal } from './auth';
import { ConfirmSubmissionBody, ContestBody, StaffActionBody } from './chargeback-schemas';
import { HttpError } from './errors';

/** Who may do what on a chargeback: every staff role reads, leads answer and decide the account, finance confirms. */
export const CHARGEBACK_PERMISSIONS = {
  view: STAFF_ROLES,
  feed: ['operator', 'admin'],
  decide: ['lead', 'admin'],
  confirmSubmission: ['finance', 'admin'],
} as const;

/** What the API and the console both need to act on a chargeback. */
export interface ChargebackActionDeps {
  db: Db;
  temporal: Client;
  /** How long an answer waits for the workflow to finish the action (default ACTION_ANSWER_WAIT_MS). */
  actionAnswerWaitMs?: number;
}

/**
 * An action can wait on the processor or on a step the case is in the middle of, for minutes when the processor
 * is slow; the caller gets an answer within this bound either way, and the action goes on in the workflow.
 */
export const ACTION_ANSWER_WAIT_MS = 8_000;
/** Seconds a caller should wait before asking again when the workflow did not take the action in time. */
const UNCONFIRMED_RETRY_AFTER_SECONDS = 5;

/** The workflow's answer when it came within the bound, or the id of the action still in progress. */
export type ActionAnswer<T> = { done: true; result: T } | { done: false; actionId: string };

/** The case as GET /v1/chargebacks/:id shows it: the evidence pack beside its Stripe mapping, and everything around it. */
export async function chargebackView(db: Db, record: ChargebackRecord) {
  const { evidence, evidenceSubmission, ...rest } = record;
  return {
    ...rest,
    evidence: evidence ? { pack: evidence, stripe: toStripeEvidence(evidence) } : null,
    evidenceSubmission,
    creditHold: (await getCreditHold(db, record.id)) ?? null,
    deadlines: await listChargebackDeadlines(db, record.id),
    movements: await listDisputeMovements(db, record.id),
    processorEvents: await listCaseProcessorEvents(db, record.id),
    webhooks: await listWebhookMessages(db, { chargebackId: record.id }),
    timeline: await listChargebackEvents(db, record.id),
  };
}
export type ChargebackView = Awaited<ReturnType<typeof chargebackView>>;

/** The case named in the path, or a 404. */
export async function chargebackFromPath(db: Db, params: Record<string, unknown>): Promise<ChargebackRecord> {
  const record = await getChargeback(db, String(params.chargebackId));
  if (!record) throw new HttpError(404, 'no such chargeback');
  return record;
}

/** A refused action is the caller's to fix (409); a case whose workflow has ended cannot act (409). */
function refusal(err: unknown): HttpError | undefined {
  if (err instanceof WorkflowUpdateFailedError) {
    for (let cause: unknown = err.cause; cause instanceof Error; cause = cause.cause) {
      if (cause instanceof ApplicationFailure && cause.type === CHARGEBACK_REFUSALS.wrongState)
        return new HttpError(409, cause.message);
    }
  }
  if (err instanceof WorkflowNotFoundError) return new HttpError(409, 'the chargeback workflow is no longer running');
  return undefined;
}

/**
 * Sends the action and waits, within the bound, first for the workflow to accept it (its validator refuses
 * wrong states, so refusals still come back as 409) and then for its result.
 */
async function act<T, I>(
  deps: ChargebackActionDeps,
  chargebackId: string,
  update: UpdateDefinition<T, [I]>,
  input: I,
): Promise<ActionAnswer<T>> {
  const bound = AbortSignal.timeout(deps.actionAnswerWaitMs ?? ACTION_ANSWER_WAIT_MS);
  const handle = deps.temporal.workflow.getHandle(chargebackWorkflowId(chargebackId));
  let accepted;
  try {
    accepted = await deps.temporal.withAbortSignal(bound, () =>
      handle.startUpdate(update, { args: [input], waitForStage: WorkflowUpdateStage.ACCEPTED }),
    );
  } catch (err) {
    if (bound.aborted)
      throw new HttpError(
        503,
        'the chargeback workflow did not take the action in time; look at the case before trying again',
        undefined,
        UNCONFIRMED_RETRY_AFTER_SECONDS,
      );
    throw refusal(err) ?? err;
  }
  try {
    return { done: true, result: await deps.temporal.withAbortSignal(bound, () => accepted.result()) };
  } catch (err) {
    if (bound.aborted) return { done: false, actionId: accepted.updateId };
    throw refusal(err) ?? err;
  }
}

/** The input is checked before the case is looked up, so bad input is a 400 whatever the id. */
async function existingId(deps: ChargebackActionDeps, id: string): Promise<string> {
  if (!(await getChargeback(deps.db, id))) throw new HttpError(404, 'no such chargeback');
  return id;
}

/** Accepts the dispute (the processor keeps the money); answers with the case's new status. */
export async function acceptChargeback(
  deps: ChargebackActionDeps,
  chargebackId: string,
  input: unknown,
  staff: StaffPrincipal,
) {
  const { why } = StaffActionBody.parse(input);
  const id = await existingId(deps, chargebackId);
  return act(deps, id, acceptDisputeUpdate, { why, actor: staffActor(staff) });
}

/** Contests with the stored evidence, a person's edits replacing the fields they name; answers with the new status. */
export async function contestChargeback(
  deps: ChargebackActionDeps,
  chargebackId: string,
  input: unknown,
  staff: StaffPrincipal,
) {
  const body = ContestBody.parse(input);
  const id = await existingId(deps, chargebackId);
  return act(deps, id, contestDisputeUpdate, { ...body, actor: staffActor(staff) });
}

/** Finance confirms the evidence was submitted in the processor's dashboard; answers with the new status. */
export async function confirmChargebackSubmission(
  deps: ChargebackActionDeps,
  chargebackId: string,
  input: unknown,
  staff: StaffPrincipal,
) {
  const body = ConfirmSubmissionBody.parse(input);
  const id = await existingId(deps, chargebackId);
  return act(deps, id, confirmSubmissionUpdate, { ...body, actor: staffActor(staff) });
}

const ACCOUNT_UPDATES = {
  suspend: suspendAccountUpdate,
  reinstate: reinstateAccountUpdate,
  terminate: terminateAccountUpdate,
} as const;
export type AccountAction = keyof typeof ACCOUNT_UPDATES;
export const ACCOUNT_ACTIONS = Object.keys(ACCOUNT_UPDATES) as AccountAction[];

/** Suspends, reinstates or terminates the disputed account; answers with the workflow's state of the case. */
export async function changeChargebackAccount(
  deps: ChargebackActionDeps,
  chargebackId: string,
  action: AccountAction,
  input: unknown,
  staff: StaffPrincipal,
) {
  const { why } = StaffActionBody.parse(input);
  const id = await existingId(deps, chargebackId);
  return act(deps, id, ACCOUNT_UPDATES[action], { why, actor: staffActor(staff) });
}
