import {
  allHandlersFinished,
  condition,
  getExternalWorkflowHandle,
  patched,
  proxyActivities,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { createActivities } from '../activities';
import type { Actor, Assessment, ClaimItem, ClaimStatus, Deadline, Decision } from '../common/claim';
import { claimWorkflowId } from '../common/ids';
import { remedyHoldSettledSignal, type ClaimWorkflowInput } from '../common/messages';
import { REFUSALS } from '../common/refusals';
import { DISPUTE_OPEN_REASON, disputeClosedSignal, disputeOpenedSignal } from '../common/dispute-hold';
import { ClaimOverdueAttribute, ClaimStatusAttribute } from '../common/search-attributes';
import { guardClaim } from './claim-guard';
import { ClaimRun } from './claim-run';
import { describe, registerHandlers } from './claim-handlers';
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
/** A waiting claim looks again this often even if no wake-up signal arrives. */
const RECHECK_WAITING = '1 hour';

/** Patches: claims started before a change keep the command sequence they were recorded with. */
const PATCHES = {
  /** Evidence checks reserve items in the remedy ledger, wait for other claims, and wake waiters. */
  remedyLedger: 'remedy-ledger',
  /** Actions answer once the claim has moved, with the status it moved to. */
  actionsAwaitStatus: 'actions-await-status',
  /** The status and overdue search attributes follow the claim. */
  visibility: 'visibility',
  /** No remedy while a dispute on the charge is open; a lost dispute resolves the claim. */
  disputeHold: 'dispute-hold',
  /** The customer is told when a person takes the claim over, and by when they will hear back. */
  reviewNotice: 'review-notice',
} as const;

/** How a stretch of waiting ended when it did not end in progress. */
type Ending = 'withdrawn' | 'abandoned';

/**
 * One refund claim, from receipt to closure:
 * acknowledge → window and evidence check → automatic or human decision → remedy → notification.
 *
 * Frozen: this is the workflow type `claimWorkflow` that claims started before the lean workflow run on. They
 * replay against this code until they end, so it must not change; new claims start as `claimWorkflowV2`
 * (workflows/claim.ts). Remove it once no `claimWorkflow` run is open.
 */
export async function claimWorkflow(input: ClaimWorkflowInput): Promise<ClaimStatus> {
  const run = new ClaimRun(input.claimId);
  // A failure retrying cannot fix moves the claim to needs_attention instead of failing the workflow.
  if (patched('needs-attention')) return guardClaim(run, input, () => claimLife(input, run));
  return claimLife(input, run);
}

async function claimLife({ claimId, attentionRetries }: ClaimWorkflowInput, run: ClaimRun): Promise<ClaimStatus> {
  const { state } = run;
  const ledger = patched(PATCHES.remedyLedger);
  const visible = patched(PATCHES.visibility);
  const disputeHolds = patched(PATCHES.disputeHold);

  /** The one place the status changes, so Temporal's view of the claim follows it. */
  function setStatus(to: ClaimStatus): void {
    state.status = to;
    if (visible) upsertSearchAttributes([{ key: ClaimStatusAttribute, value: to }]);
  }

  function markOverdue(overdue: boolean): void {
    if (visible) upsertSearchAttributes([{ key: ClaimOverdueAttribute, value: overdue }]);
  }

  /** Event keys are deterministic, so a retried activity appends each event once. */
  const nextKey = (type: string) => `${workflowInfo().runId}:${++run.eventSeq}:${type}`;

  async function moveTo(
    to: ClaimStatus | null,
    type: string,
    why: string,
    actor: Actor = SYSTEM,
    data?: Record<string, unknown>,
  ) {
    await activities.recordTransition({ claimId, eventKey: nextKey(type), type, to, actor, why, data });
    if (to) setStatus(to);
  }

  async function notify(notice: Parameters<Activities['notifyCustomer']>[0]['notice']) {
    await activities.notifyCustomer({ claimId, key: nextKey(notice.template), notice });
  }

  registerHandlers(
    run,
    async (input) => {
      run.deciding = true;
      try {
        return await activities.validateStaffDecision({ claimId, decision: input, proposal: run.proposal });
      } finally {
        run.deciding = false;
      }
    },
    async (input) => {
      await activities.confirmPayout({
        claimId,
        processorReference: input.processorReference,
        confirmedBy: input.actor.id,
      });
      await moveTo(null, 'payout_confirmed', `processor reference ${input.processorReference}`, input.actor);
    },
    async (reply) => {
      await activities.applyCustomerReply({ claimId, eventKey: nextKey('customer_replied'), reply });
    },
    patched(PATCHES.actionsAwaitStatus),
  );
  setHandler(remedyHoldSettledSignal, () => {
    run.holdSettled = true;
  });
  if (disputeHolds) {
    setHandler(disputeOpenedSignal, ({ chargebackId }) => {
      run.dispute ??= { chargebackId, outcome: null };
    });
    setHandler(disputeClosedSignal, ({ chargebackId, outcome }) => {
      if (run.dispute?.chargebackId === chargebackId) run.dispute.outcome = outcome;
    });
  }

  /**
   * The remedy gate: while a dispute on the charge is open no remedy is paid. Lost: the claim is resolved by
   * the chargeback. Won: the claim resumes where it was. Returns true when the claim ended here.
   */
  async function holdForDispute(): Promise<boolean> {
    if (!run.dispute) {
      const open = await activities.openDisputeOnClaimCharge({ claimId });
      if (open) run.dispute = { chargebackId: open, outcome: null };
    }
    const dispute = run.dispute;
    if (!dispute || dispute.outcome === 'won') return false;
    const resumeAt = state.status;
    if (dispute.outcome === null) {
      await moveTo(
        'on_hold',
        'held_by_dispute',
        `chargeback ${dispute.chargebackId} is open on this charge; no remedy is paid while it is`,
        SYSTEM,
        {
          chargebackId: dispute.chargebackId,
          reason: DISPUTE_OPEN_REASON,
        },
      );
      await condition(() => dispute.outcome !== null || run.withdrawal !== null);
      if (run.withdrawal && dispute.outcome === null) {
        await endWithdrawn();
        return true;
      }
    }
    if (dispute.outcome === 'lost') {
      await activities.settleDeadlines({ claimId, kinds: [...REVIEW_DEADLINES], state: 'met' });
      await moveTo(
        'resolved_by_chargeback',
        'resolved_by_chargeback',
        `chargeback ${dispute.chargebackId} was lost: the customer got the money back through the bank`,
        SYSTEM,
        { chargebackId: dispute.chargebackId },
      );
      return true;
    }
    await moveTo(
      resumeAt,
      'resumed_after_dispute',
      `chargeback ${dispute.chargebackId} was won; the claim resumes`,
      SYSTEM,
      { chargebackId: dispute.chargebackId },
    );
    return false;
  }

  /** Releases what the claim still reserves (when asked) and wakes the claims that waited for it. */
  async function settleHolds(release: boolean): Promise<void> {
    if (!ledger) return;
    const { wake } = await activities.settleRemedyHolds({ claimId, release });
    for (const other of wake) {
      // A waiter that already ended needs no wake-up; its own end released what it held.
      await getExternalWorkflowHandle(claimWorkflowId(other))
        .signal(remedyHoldSettledSignal)
        .catch(() => undefined);
    }
  }

  async function endWithdrawn(): Promise<Ending> {
    await activities.settleDeadlines({ claimId, kinds: [...REVIEW_DEADLINES, 'customer_reply'], state: 'cancelled' });
    await moveTo('withdrawn', 'withdrawn', run.withdrawal?.why ?? 'withdrawn by the customer', {
      type: 'customer',
      id: claimId,
    });
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
    if (!warning) {
      state.escalations.push(`${deadline.kind}:lead`);
      markOverdue(true);
    }
  }

  /** Waits for the customer; the SLA clock is paused meanwhile. Returns null when the customer replied. */
  async function awaitCustomer(missing: ClaimItem[], message: string | null, why: string): Promise<Ending | null> {
    const pausedFrom = workflowNowIso();
    await moveTo('awaiting_customer', 'information_requested', why, SYSTEM, { missing, message });
    const [replyDeadline] = await activities.planDeadlines({ claimId, kinds: ['customer_reply'], from: pausedFrom });
    await notify({ template: 'info_request', missing, message, replyBy: replyDeadline!.dueAt });
    const answered = await condition(
      () => run.customerReplied || run.withdrawal !== null,
      msUntil(replyDeadline!.dueAt),
      {
        summary: `customer reply due ${replyDeadline!.dueAt} (${replyDeadline!.clause})`,
      },
    );
    if (run.withdrawal) return endWithdrawn();
    if (!answered) {
      await activities.settleDeadlines({ claimId, kinds: ['customer_reply'], state: 'breached' });
      await activities.settleDeadlines({ claimId, kinds: [...REVIEW_DEADLINES], state: 'cancelled' });
      await moveTo('abandoned', 'abandoned', `no reply by ${replyDeadline!.dueAt} (${replyDeadline!.clause})`, {
        type: 'timer',
        id: 'sla:customer_reply',
      });
      await notify({ template: 'abandoned' });
      return 'abandoned';
    }
    run.customerReplied = false;
    state.deadlines = [
      ...(await activities.pauseDeadlines({ claimId, pausedFrom, pausedUntil: workflowNowIso() })),
      replyDeadline!,
    ];
    return null;
  }

  /** Waits for a person while the review SLA runs; returns what ended the wait. */
  async function awaitStaff(): Promise<'decided' | 'info_requested' | 'withdrawn'> {
    await waitWithDeadlines(
      () => run.staffDecision !== null || run.infoRequest !== null || run.withdrawal !== null,
      state.deadlines.filter((d) => (REVIEW_DEADLINES as readonly string[]).includes(d.kind)),
      run.firedDeadlines,
      onReviewDeadline,
    );
    if (run.withdrawal) return 'withdrawn';
    return run.staffDecision ? 'decided' : 'info_requested';
  }

  /** The evidence check; with the remedy ledger, waits while another claim holds the same items. */
  async function checkEvidence(): Promise<Assessment | 'withdrawn'> {
    if (!ledger) return activities.assessClaim({ claimId });
    for (;;) {
      const check = await activities.runEvidenceCheck({ claimId });
      if (check.kind !== 'waiting') return check;
      run.waitingForClaims = true;
      run.holdSettled = false;
      const why = `${check.items.join(', ')} reserved by ${check.heldBy.join(', ')}; checked again once that claim settles`;
      await moveTo(null, 'waiting_for_claim', why, SYSTEM, { heldBy: check.heldBy, items: check.items });
      await condition(() => run.holdSettled || run.withdrawal !== null, RECHECK_WAITING, {
        summary: `wait for ${check.heldBy.join(', ')}`,
      });
      run.waitingForClaims = false;
      if (run.withdrawal) return 'withdrawn';
    }
  }

  /** Runs checks until a decision exists; returns the decision, or how the claim ended without one. */
  async function reachDecision(): Promise<Decision | Ending> {
    for (;;) {
      if (run.withdrawal) return endWithdrawn();
      await moveTo('checking', 'evidence_check_started', 'checking the claim window and the usage ledger');
      const assessment = await checkEvidence();
      if (assessment === 'withdrawn') return endWithdrawn();
      if (assessment.kind === 'decided') return assessment.decision;
      if (assessment.kind === 'needs_info') {
        const ended = await awaitCustomer(assessment.missing, assessment.message ?? null, describe(assessment.why));
        if (ended) return ended;
        continue;
      }
      run.proposal = assessment.proposal;
      await moveTo('in_review', 'sent_to_review', describe(assessment.why), SYSTEM, { proposal: assessment.proposal });
      if (patched(PATCHES.reviewNotice) && !run.reviewNoticeSent) {
        run.reviewNoticeSent = true;
        await notify({
          template: 'in_review',
          answerBy: state.deadlines.find((d) => d.kind === 'review')?.dueAt ?? null,
        });
      }
      const outcome = await awaitStaff();
      if (outcome === 'withdrawn') return endWithdrawn();
      if (outcome === 'decided') return run.staffDecision!;
      const request = run.infoRequest!;
      run.infoRequest = null;
      const ended = await awaitCustomer([], request.message, `${request.actor.id} asked: ${request.message}`);
      if (ended) return ended;
    }
  }

  async function payRefund(decision: Decision): Promise<void> {
    const payout = await activities.requestPayout({ claimId, decision });
    // The charge is now remedied: claims waiting for it can be checked again.
    await settleHolds(false);
    const payoutDeadlines = await activities.planDeadlines({ claimId, kinds: ['payout'], from: workflowNowIso() });
    state.deadlines.push(...payoutDeadlines);
    await moveTo(
      'awaiting_payout',
      'payout_requested',
      `refund of payout ${payout.payoutId} awaits finance confirmation`,
    );
    await waitWithDeadlines(
      () => run.payoutConfirmed,
      payoutDeadlines,
      run.firedDeadlines,
      async (deadline) => {
        await activities.alertStaff({
          claimId,
          eventKey: nextKey('escalated'),
          template: 'escalation',
          audience: 'finance',
          deadline,
        });
        state.escalations.push(`${deadline.kind}:finance`);
        markOverdue(true);
      },
    );
    await activities.settleDeadlines({ claimId, kinds: ['payout'], state: 'met' });
  }

  async function applyRemedy(decision: Decision): Promise<void> {
    run.remedyStarted = true;
    await activities.settleDeadlines({ claimId, kinds: [...REVIEW_DEADLINES], state: 'met' });
    if (decision.remedy === 'refund') await payRefund(decision);
    else await activities.issueCredit({ claimId, decision });
    await notify({ template: 'money_sent', decision });
  }

  /** Every path ends here: reservations released, waiters woken, and no update left half-answered. */
  async function finish(): Promise<ClaimStatus> {
    // An ended claim is no longer waiting on anyone.
    if (state.escalations.length > 0) markOverdue(false);
    await settleHolds(true);
    await condition(allHandlersFinished);
    return state.status;
  }

  // --- the claim's life ---
  // A run a person started again after needs_attention was acknowledged by the first run.
  if (!attentionRetries) await notify({ template: 'acknowledgement' });
  state.deadlines = await activities.planDeadlines({ claimId, kinds: [...REVIEW_DEADLINES] });

  const reached = await reachDecision();
  if (typeof reached === 'string') return finish();
  if (run.withdrawal) {
    await endWithdrawn();
    return finish();
  }

  if (reached.outcome === 'denied') run.denialReached = true;
  state.decision = reached;
  const decidedStatus: ClaimStatus = reached.outcome === 'denied' ? 'denied' : 'approved';
  await activities.recordDecision({ claimId, eventKey: nextKey('decided'), decision: reached, to: decidedStatus });
  setStatus(decidedStatus);
  if (reached.outcome === 'denied') await settleHolds(true);
  await notify({ template: 'decision', decision: reached });
  if (reached.outcome === 'denied') {
    await activities.settleDeadlines({ claimId, kinds: [...REVIEW_DEADLINES], state: 'met' });
    return finish();
  }

  if (run.withdrawal) {
    await endWithdrawn();
    return finish();
  }
  if (disputeHolds && (await holdForDispute())) return finish();
  await applyRemedy(reached);
  await moveTo(
    'closed',
    'closed',
    `${reached.remedy} of ${reached.amount.amountMinor} ${reached.amount.currency} minor units sent`,
  );
  return finish();
}
