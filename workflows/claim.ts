import { ApplicationFailure, condition, proxyActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import type { createActivities } from '../activities';
import { FINAL_STATUSES, type Actor, type ClaimItem, type ClaimStatus, type Deadline, type Decision, type DecisionReason } from '../common/claim';
import {
  claimStateQuery,
  confirmPayoutUpdate,
  customerReplyUpdate,
  decideUpdate,
  REFUSALS,
  requestInfoUpdate,
  withdrawUpdate,
  type ClaimState,
  type ClaimWorkflowInput,
  type CustomerReplyInput,
  type InfoRequestInput,
  type PayoutConfirmationInput,
  type StaffDecisionInput,
  type WithdrawInput,
} from '../common/messages';
import { msUntil, workflowNowIso } from './clock';
import { waitWithDeadlines } from './sla';

type Activities = ReturnType<typeof createActivities>;

const activities = proxyActivities<Activities>({
  startToCloseTimeout: '1 minute',
  retry: {
    initialInterval: '1 second',
    maximumInterval: '1 minute',
    nonRetryableErrorTypes: Object.values(REFUSALS),
  },
});

const SYSTEM: Actor = { type: 'system', id: 'claim-workflow' };
const REVIEW_DEADLINES = ['review_warning', 'review', 'resolution'] as const;

/** How a stretch of waiting ended when it did not end in progress. */
type Ending = 'withdrawn' | 'abandoned';

/**
 * One refund claim, from receipt to closure:
 * acknowledge → window and evidence check → automatic or human decision → remedy → notification.
 */
export async function claimWorkflow({ claimId }: ClaimWorkflowInput): Promise<ClaimStatus> {
  const state: ClaimState = { status: 'received', decision: null, deadlines: [], escalations: [] };
  const firedDeadlines = new Set<string>();
  let eventSeq = 0;
  let proposal: Decision | null = null;
  let staffDecision: Decision | null = null;
  let deciding = false;
  let infoRequest: InfoRequestInput | null = null;
  let customerReplied = false;
  let withdrawal: WithdrawInput | null = null;
  let remedyStarted = false;
  let payoutConfirmed = false;

  /** Event keys are deterministic, so a retried activity appends each event once. */
  const nextKey = (type: string) => `${workflowInfo().runId}:${++eventSeq}:${type}`;

  function refuse(message: string): never {
    throw ApplicationFailure.create({ type: REFUSALS.wrongState, message, nonRetryable: true });
  }

  function requireStatus(...allowed: ClaimStatus[]): void {
    if (!allowed.includes(state.status)) refuse(`claim ${claimId} is ${state.status}; expected ${allowed.join(' or ')}`);
  }

  async function moveTo(to: ClaimStatus | null, type: string, why: string, actor: Actor = SYSTEM, data?: Record<string, unknown>) {
    await activities.recordTransition({ claimId, eventKey: nextKey(type), type, to, actor, why, data });
    if (to) state.status = to;
  }

  async function notify(notice: Parameters<Activities['notifyCustomer']>[0]['notice']) {
    await activities.notifyCustomer({ claimId, key: nextKey(notice.template), notice });
  }

  setHandler(claimStateQuery, () => state);

  setHandler(
    decideUpdate,
    async (input) => {
      if (deciding) refuse(`a decision on claim ${claimId} is already being recorded`);
      deciding = true;
      try {
        staffDecision = await activities.validateStaffDecision({ claimId, decision: input, proposal });
        return staffDecision;
      } finally {
        deciding = false;
      }
    },
    { validator: (_input: StaffDecisionInput) => requireStatus('in_review') },
  );

  setHandler(
    requestInfoUpdate,
    async (input) => {
      infoRequest = input;
      await condition(() => state.status !== 'in_review');
      return state.status;
    },
    { validator: (_input: InfoRequestInput) => requireStatus('in_review') },
  );

  setHandler(
    customerReplyUpdate,
    async (reply) => {
      await activities.applyCustomerReply({ claimId, eventKey: nextKey('customer_replied'), reply });
      customerReplied = true;
      return state.status;
    },
    { validator: (_reply: CustomerReplyInput) => requireStatus('awaiting_customer') },
  );

  setHandler(
    withdrawUpdate,
    async (input) => {
      withdrawal = input;
      await condition(() => state.status === 'withdrawn' || remedyStarted);
      if (state.status !== 'withdrawn') refuse(`claim ${claimId} already has its remedy under way`);
      return state.status;
    },
    {
      validator: (_input: WithdrawInput) => {
        if (remedyStarted || FINAL_STATUSES.includes(state.status)) {
          refuse(`claim ${claimId} can no longer be withdrawn (${state.status})`);
        }
      },
    },
  );

  setHandler(
    confirmPayoutUpdate,
    async (input) => {
      await activities.confirmPayout({ claimId, processorReference: input.processorReference, confirmedBy: input.actor.id });
      await moveTo(null, 'payout_confirmed', `processor reference ${input.processorReference}`, input.actor);
      payoutConfirmed = true;
      return state.status;
    },
    { validator: (_input: PayoutConfirmationInput) => requireStatus('awaiting_payout') },
  );

  async function endWithdrawn(): Promise<Ending> {
    await activities.settleDeadlines({ claimId, kinds: [...REVIEW_DEADLINES, 'customer_reply'], state: 'cancelled' });
    await moveTo('withdrawn', 'withdrawn', withdrawal?.why ?? 'withdrawn by the customer', { type: 'customer', id: claimId });
    await notify({ template: 'withdrawn' });
    return 'withdrawn';
  }

  async function onReviewDeadline(deadline: Deadline): Promise<void> {
    const warning = deadline.kind === 'review_warning';
    await activities.alertStaff({
      claimId,
      eventKey: nextKey(warning ? 'lead_warned' : 'escalated'),
      template: warning ? 'review_warning' : 'escalation',
      audience: 'lead',
      deadline,
    });
    if (!warning) state.escalations.push(`${deadline.kind}:lead`);
  }

  /** Waits for the customer; the SLA clock is paused meanwhile. Returns null when the customer replied. */
  async function awaitCustomer(missing: ClaimItem[], message: string | null, why: string): Promise<Ending | null> {
    const pausedFrom = workflowNowIso();
    await moveTo('awaiting_customer', 'information_requested', why, SYSTEM, { missing, message });
    const [replyDeadline] = await activities.planDeadlines({ claimId, kinds: ['customer_reply'], from: pausedFrom });
    await notify({ template: 'info_request', missing, message, replyBy: replyDeadline!.dueAt });
    const answered = await condition(() => customerReplied || withdrawal !== null, msUntil(replyDeadline!.dueAt));
    if (withdrawal) return endWithdrawn();
    if (!answered) {
      await activities.settleDeadlines({ claimId, kinds: ['customer_reply'], state: 'breached' });
      await activities.settleDeadlines({ claimId, kinds: [...REVIEW_DEADLINES], state: 'cancelled' });
      await moveTo('abandoned', 'abandoned', `no reply by ${replyDeadline!.dueAt} (${replyDeadline!.clause})`, { type: 'timer', id: 'sla:customer_reply' });
      await notify({ template: 'abandoned' });
      return 'abandoned';
    }
    customerReplied = false;
    state.deadlines = [...(await activities.pauseDeadlines({ claimId, pausedFrom, pausedUntil: workflowNowIso() })), replyDeadline!];
    return null;
  }

  /** Waits for a person while the review SLA runs; returns what ended the wait. */
  async function awaitStaff(): Promise<'decided' | 'info_requested' | 'withdrawn'> {
    await waitWithDeadlines(
      () => staffDecision !== null || infoRequest !== null || withdrawal !== null,
      state.deadlines.filter((d) => (REVIEW_DEADLINES as readonly string[]).includes(d.kind)),
      firedDeadlines,
      onReviewDeadline,
    );
    if (withdrawal) return 'withdrawn';
    return staffDecision ? 'decided' : 'info_requested';
  }

  /** Runs checks until a decision exists; returns the decision, or how the claim ended without one. */
  async function reachDecision(): Promise<Decision | Ending> {
    for (;;) {
      if (withdrawal) return endWithdrawn();
      await moveTo('checking', 'evidence_check_started', 'checking the claim window and the usage ledger');
      const assessment = await activities.assessClaim({ claimId });
      if (assessment.kind === 'decided') return assessment.decision;
      if (assessment.kind === 'needs_info') {
        const ended = await awaitCustomer(assessment.missing, null, describe(assessment.why));
        if (ended) return ended;
        continue;
      }
      proposal = assessment.proposal;
      await moveTo('in_review', 'sent_to_review', describe(assessment.why), SYSTEM, { proposal: assessment.proposal });
      const outcome = await awaitStaff();
      if (outcome === 'withdrawn') return endWithdrawn();
      if (outcome === 'decided') return staffDecision!;
      const request = infoRequest!;
      infoRequest = null;
      const ended = await awaitCustomer([], request.message, `${request.actor.id} asked: ${request.message}`);
      if (ended) return ended;
    }
  }

  async function payRefund(decision: Decision): Promise<void> {
    const payout = await activities.requestPayout({ claimId, decision });
    const payoutDeadlines = await activities.planDeadlines({ claimId, kinds: ['payout'], from: workflowNowIso() });
    state.deadlines.push(...payoutDeadlines);
    await moveTo('awaiting_payout', 'payout_requested', `refund of payout ${payout.payoutId} awaits finance confirmation`);
    await waitWithDeadlines(() => payoutConfirmed, payoutDeadlines, firedDeadlines, async (deadline) => {
      await activities.alertStaff({ claimId, eventKey: nextKey('escalated'), template: 'escalation', audience: 'finance', deadline });
      state.escalations.push(`${deadline.kind}:finance`);
    });
    await activities.settleDeadlines({ claimId, kinds: ['payout'], state: 'met' });
  }

  async function applyRemedy(decision: Decision): Promise<void> {
    remedyStarted = true;
    await activities.settleDeadlines({ claimId, kinds: [...REVIEW_DEADLINES], state: 'met' });
    if (decision.remedy === 'refund') await payRefund(decision);
    else await activities.issueCredit({ claimId, decision });
    await notify({ template: 'money_sent', decision });
  }

  // --- the claim's life ---
  await notify({ template: 'acknowledgement' });
  state.deadlines = await activities.planDeadlines({ claimId, kinds: [...REVIEW_DEADLINES] });

  const reached = await reachDecision();
  if (typeof reached === 'string') return state.status;
  if (withdrawal) {
    await endWithdrawn();
    return state.status;
  }

  state.decision = reached;
  const decidedStatus: ClaimStatus = reached.outcome === 'denied' ? 'denied' : 'approved';
  await activities.recordDecision({ claimId, eventKey: nextKey('decided'), decision: reached, to: decidedStatus });
  state.status = decidedStatus;
  await notify({ template: 'decision', decision: reached });
  if (reached.outcome === 'denied') {
    await activities.settleDeadlines({ claimId, kinds: [...REVIEW_DEADLINES], state: 'met' });
    return state.status;
  }

  if (withdrawal) {
    await endWithdrawn();
    return state.status;
  }
  await applyRemedy(reached);
  await moveTo('closed', 'closed', `${reached.remedy} of ${reached.amount.amountMinor} ${reached.amount.currency} minor units sent`);
  return state.status;
}

function describe(reasons: DecisionReason[]): string {
  return reasons.map((r) => `${r.message} (${r.clause})`).join('; ');
}
