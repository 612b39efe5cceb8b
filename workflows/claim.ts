import {
  allHandlersFinished,
  condition,
  getExternalWorkflowHandle,
  patched,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { RefundDeskActivities } from '../activities';
import type { CustomerNotice } from '../activities/emails';
import type { ClaimMove, EvidenceOpening } from '../activities/claim-steps';
import {
  paysCredit,
  type Actor,
  type Assessment,
  type ClaimItem,
  type ClaimStatus,
  type Deadline,
  type Decision,
  type EvidenceCheck,
} from '../common/claim';
import { DISPUTE_OPEN_REASON, disputeClosedSignal, disputeOpenedSignal } from '../common/dispute-hold';
import { claimWorkflowId } from '../common/ids';
import { remedyHoldSettledSignal, type ClaimWorkflowInput } from '../common/messages';
import { ClaimOverdueAttribute, ClaimStatusAttribute } from '../common/search-attributes';
import { EVIDENCE_QUERY, LOCAL_STEP, PAYMENT_PROCESSOR, SMTP } from './claim-activity-options';
import { guardClaim } from './claim-guard';
import { describe, registerHandlers } from './claim-handlers';
import { ClaimRun } from './claim-run';
import { msUntil, workflowNowIso } from './clock';
import { waitWithDeadlines } from './sla';

/** Short database writes: local activities, recorded as one marker each in the workflow task that ran them. */
const steps = proxyLocalActivities<RefundDeskActivities>(LOCAL_STEP);
/** The evidence query, the mail server and the payment processor: normal activities with timeouts of their own. */
const evidence = proxyActivities<RefundDeskActivities>(EVIDENCE_QUERY);
const mail = proxyActivities<RefundDeskActivities>(SMTP);
const processor = proxyActivities<RefundDeskActivities>(PAYMENT_PROCESSOR);

const SYSTEM: Actor = { type: 'system', id: 'claim-workflow' };
const REVIEW_DEADLINES = ['review_warning', 'review', 'resolution'] as const;
/** A waiting claim looks again this often even if no wake-up signal arrives. */
const RECHECK_WAITING = '1 hour';
/**
 * The deadline sweep (worker/deadline-sweep.ts) fires review and payout deadlines within a second, in batches. The
 * claim's own timer fires this much later, as the backstop: it records and mails only what the sweep did not, and
 * marks the claim overdue for Temporal's search. Runs that were waiting before the sweep keep their timers as they
 * were (`patched`), so their histories replay.
 */
const SWEEP_BACKSTOP_MS = 60_000;
const backstopMs = () => (patched('deadline-sweep') ? SWEEP_BACKSTOP_MS : 0);

/** How a stretch of waiting ended when it did not end in progress. */
type Ending = 'withdrawn' | 'abandoned';

/**
 * One refund claim, from receipt to closure, as the workflow type `claimWorkflowV2`:
 * window and evidence check → automatic or human decision → remedy → the customer told at every step.
 *
 * Why a new type and not `patched()`: this version moves every short write to local activities and groups
 * steps, so nearly every command differs from `claimWorkflow`'s. A patch would keep two bodies interleaved
 * behind one flag, and cost a marker event in every new history. The old type stays frozen in
 * workflows/claim-v1.ts for the runs still open on it; everything that signals, queries or updates a claim
 * goes by workflow id, which both types share.
 */
export async function claimWorkflowV2(input: ClaimWorkflowInput): Promise<ClaimStatus> {
  const run = new ClaimRun(input.claimId);
  // A failure retrying cannot fix moves the claim to needs_attention instead of failing the workflow; a new
  // type needs no patch for it.
  return guardClaim(run, input, () => runClaim(input, run));
}

/** The claim's whole life; a single function, so the guard wraps it. */
export async function runClaim({ claimId, flowRevision = 0 }: ClaimWorkflowInput, run: ClaimRun): Promise<ClaimStatus> {
  const { state } = run;
  /** Customer mails wait here until the claim rests, then go out in order in one SMTP activity. */
  const outbox: { key: string; notice: CustomerNotice }[] = [];
  /** Revision 1 groups more steps and publishes the status only at rest (CLAIM_FLOW_REVISION). */
  const grouped = flowRevision >= 1;
  /** The status Temporal's search shows, so a resting claim publishes only a change. */
  let published: ClaimStatus | null = null;

  /** The one place the status changes; earlier runs publish every move to Temporal's view of the claim. */
  function setStatus(to: ClaimStatus): void {
    if (state.status === to) return;
    state.status = to;
    if (!grouped) upsertSearchAttributes([{ key: ClaimStatusAttribute, value: to }]);
  }

  /**
   * Publishes the status before the claim waits or ends: the moves in between last milliseconds, and each upsert
   * is a history event and a visibility write on the server (bench/README.md, P1).
   */
  function publishStatus(): void {
    if (!grouped || published === state.status) return;
    published = state.status;
    upsertSearchAttributes([{ key: ClaimStatusAttribute, value: state.status }]);
  }

  function markOverdue(overdue: boolean): void {
    upsertSearchAttributes([{ key: ClaimOverdueAttribute, value: overdue }]);
  }

  /** Event keys are deterministic, so a retried step appends each event once. */
  const nextKey = (type: string) => `${workflowInfo().runId}:${++run.eventSeq}:${type}`;

  /** One move of the claim in one transaction (status and event, deadlines, reservations); wakes waiters. */
  async function move(
    to: ClaimStatus | null,
    type: string,
    why: string,
    extra: Partial<Pick<ClaimMove, 'actor' | 'data' | 'settle' | 'plan' | 'holds'>> = {},
  ): Promise<Deadline[]> {
    const { actor = SYSTEM, ...rest } = extra;
    const moved = await steps.moveClaim({ claimId, eventKey: nextKey(type), type, to, why, actor, ...rest });
    if (to) setStatus(to);
    await wake(moved.wake);
    return moved.deadlines;
  }

  /** A waiter that already ended needs no wake-up; its own end released what it held. */
  async function wake(claims: string[]): Promise<void> {
    for (const other of claims) {
      await getExternalWorkflowHandle(claimWorkflowId(other))
        .signal(remedyHoldSettledSignal)
        .catch(() => undefined);
    }
  }

  function tell(notice: CustomerNotice, key = nextKey(notice.template)): void {
    outbox.push({ key, notice });
  }

  /** Sends what the customer has to hear before the claim waits or ends. */
  async function sendMail(): Promise<void> {
    if (outbox.length === 0) return;
    await mail.sendCustomerMails({ claimId, mails: outbox.splice(0) });
  }

  registerHandlers(
    run,
    async (input) => {
      run.deciding = true;
      try {
        return await evidence.validateStaffDecision({ claimId, decision: input, proposal: run.proposal });
      } finally {
        run.deciding = false;
      }
    },
    async (input) => {
      const { processorReference, actor } = input;
      const eventKey = nextKey('payout_confirmed');
      await steps.recordPayoutConfirmation({ claimId, eventKey, processorReference, actor });
    },
    async (reply) => {
      await steps.applyCustomerReply({ claimId, eventKey: nextKey('customer_replied'), reply });
    },
    true,
  );
  setHandler(remedyHoldSettledSignal, () => {
    run.holdSettled = true;
  });
  setHandler(disputeOpenedSignal, ({ chargebackId }) => {
    run.dispute ??= { chargebackId, outcome: null };
  });
  setHandler(disputeClosedSignal, ({ chargebackId, outcome }) => {
    if (run.dispute?.chargebackId === chargebackId) run.dispute.outcome = outcome;
  });

  /**
   * The remedy gate: while a dispute on the charge is open no remedy is paid. Lost: the claim is resolved by
   * the chargeback. Won: the claim resumes where it was. Returns true when the claim ended here.
   */
  async function holdForDispute(): Promise<boolean> {
    const dispute = run.dispute;
    if (!dispute || dispute.outcome === 'won') return false;
    const resumeAt = state.status;
    const data = { chargebackId: dispute.chargebackId };
    if (dispute.outcome === null) {
      const why = `chargeback ${dispute.chargebackId} is open on this charge; no remedy is paid while it is`;
      await move('on_hold', 'held_by_dispute', why, { data: { ...data, reason: DISPUTE_OPEN_REASON } });
      await sendMail();
      publishStatus();
      await condition(() => dispute.outcome !== null || run.withdrawal !== null);
      if (run.withdrawal && dispute.outcome === null) {
        await endWithdrawn();
        return true;
      }
    }
    if (dispute.outcome === 'lost') {
      const why = `chargeback ${dispute.chargebackId} was lost: the customer got the money back through the bank`;
      const settle = [{ kinds: [...REVIEW_DEADLINES], state: 'met' as const }];
      await move('resolved_by_chargeback', 'resolved_by_chargeback', why, { data, settle, holds: 'release' });
      return true;
    }
    await move(resumeAt, 'resumed_after_dispute', `chargeback ${dispute.chargebackId} was won; the claim resumes`, {
      data,
    });
    return false;
  }

  async function endWithdrawn(): Promise<Ending> {
    await move('withdrawn', 'withdrawn', run.withdrawal?.why ?? 'withdrawn by the customer', {
      actor: { type: 'customer', id: claimId },
      settle: [{ kinds: [...REVIEW_DEADLINES, 'customer_reply'], state: 'cancelled' }],
      holds: 'release',
    });
    tell({ template: 'withdrawn' });
    await sendMail();
    return 'withdrawn';
  }

  async function onReviewDeadline(deadline: Deadline): Promise<void> {
    const warning = deadline.kind === 'review_warning';
    await mail.alertStaff({
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
    const [replyDeadline] = await move('awaiting_customer', 'information_requested', why, {
      data: { missing, message },
      plan: { kinds: ['customer_reply'], from: pausedFrom },
    });
    const due = replyDeadline!;
    tell({ template: 'info_request', missing, message, replyBy: due.dueAt });
    await sendMail();
    publishStatus();
    const answered = await condition(() => run.customerReplied || run.withdrawal !== null, msUntil(due.dueAt), {
      summary: `customer reply due ${due.dueAt} (${due.clause})`,
    });
    if (run.withdrawal) return endWithdrawn();
    if (!answered) {
      await move('abandoned', 'abandoned', `no reply by ${due.dueAt} (${due.clause})`, {
        actor: { type: 'timer', id: 'sla:customer_reply' },
        settle: [
          { kinds: ['customer_reply'], state: 'breached' },
          { kinds: [...REVIEW_DEADLINES], state: 'cancelled' },
        ],
        holds: 'release',
      });
      tell({ template: 'abandoned' });
      await sendMail();
      return 'abandoned';
    }
    run.customerReplied = false;
    state.deadlines = [...(await steps.pauseDeadlines({ claimId, pausedFrom, pausedUntil: workflowNowIso() })), due];
    return null;
  }

  /** Waits for a person while the review SLA runs; returns what ended the wait. */
  async function awaitStaff(): Promise<'decided' | 'info_requested' | 'withdrawn'> {
    publishStatus();
    await waitWithDeadlines(
      () => run.staffDecision !== null || run.infoRequest !== null || run.withdrawal !== null,
      state.deadlines.filter((d) => (REVIEW_DEADLINES as readonly string[]).includes(d.kind)),
      run.firedDeadlines,
      onReviewDeadline,
      backstopMs(),
    );
    if (run.withdrawal) return 'withdrawn';
    return run.staffDecision ? 'decided' : 'info_requested';
  }

  /** The claim's opening move, when it rides on the first evidence check (revision 1). */
  let opening: EvidenceOpening | null = null;

  /** One evidence check; the first of a grouped run also makes the opening move and plans the review deadlines. */
  async function runCheck(): Promise<EvidenceCheck> {
    if (!opening) return evidence.runEvidenceCheck({ claimId });
    // The move commits before the check runs: a check that stops the claim stops it while checking.
    setStatus('checking');
    const opened = await evidence.openEvidenceCheck({ opening });
    opening = null;
    state.deadlines = opened.deadlines;
    return opened.check;
  }

  /** The evidence check; waits while another claim holds the same items. */
  async function checkEvidence(): Promise<Assessment | 'withdrawn'> {
    for (;;) {
      const check = await runCheck();
      if (check.kind !== 'waiting') return check;
      run.waitingForClaims = true;
      run.holdSettled = false;
      const why = `${check.items.join(', ')} reserved by ${check.heldBy.join(', ')}; checked again once that claim settles`;
      await move(null, 'waiting_for_claim', why, { data: { heldBy: check.heldBy, items: check.items } });
      await sendMail();
      publishStatus();
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
      const assessment = await checkEvidence();
      if (assessment === 'withdrawn') return endWithdrawn();
      if (assessment.kind === 'decided') return assessment.decision;
      if (assessment.kind === 'needs_info') {
        const ended = await awaitCustomer(assessment.missing, assessment.message ?? null, describe(assessment.why));
        if (ended) return ended;
      } else {
        const outcome = await review(assessment.proposal, describe(assessment.why));
        if (outcome !== 'info_requested') return outcome;
        const request = run.infoRequest!;
        run.infoRequest = null;
        const ended = await awaitCustomer([], request.message, `${request.actor.id} asked: ${request.message}`);
        if (ended) return ended;
      }
      await move('checking', 'evidence_check_started', 'checking the claim window and the usage ledger');
    }
  }

  /** Hands the claim to a person; returns their decision, or what else ended the wait. */
  async function review(proposal: Decision, why: string): Promise<Decision | Ending | 'info_requested'> {
    run.proposal = proposal;
    await move('in_review', 'sent_to_review', why, { data: { proposal } });
    if (!run.reviewNoticeSent) {
      run.reviewNoticeSent = true;
      tell({ template: 'in_review', answerBy: state.deadlines.find((d) => d.kind === 'review')?.dueAt ?? null });
    }
    await sendMail();
    const outcome = await awaitStaff();
    if (outcome === 'withdrawn') return endWithdrawn();
    return outcome === 'decided' ? run.staffDecision! : outcome;
  }

  async function payRefund(decision: Decision): Promise<void> {
    // The decision mail and the processor call do not depend on each other.
    const [payout] = await Promise.all([processor.requestPayout({ claimId, decision }), sendMail()]);
    // The charge is now remedied: claims waiting for it can be checked again.
    const payoutDeadlines = await move(
      'awaiting_payout',
      'payout_requested',
      `refund of payout ${payout.payoutId} awaits finance confirmation`,
      { plan: { kinds: ['payout'], from: workflowNowIso() }, holds: 'wake' },
    );
    state.deadlines.push(...payoutDeadlines);
    publishStatus();
    await waitWithDeadlines(
      () => run.payoutConfirmed,
      payoutDeadlines,
      run.firedDeadlines,
      async (deadline) => {
        await mail.alertStaff({
          claimId,
          eventKey: nextKey('escalated'),
          template: 'escalation',
          audience: 'finance',
          deadline,
        });
        state.escalations.push(`${deadline.kind}:finance`);
        markOverdue(true);
      },
      backstopMs(),
    );
  }

  /** Every path ends here: no mail left unsent, and no update left half-answered. */
  async function finish(): Promise<ClaimStatus> {
    // An ended claim is no longer waiting on anyone.
    if (state.escalations.length > 0) markOverdue(false);
    await sendMail();
    publishStatus();
    await condition(allHandlersFinished);
    return state.status;
  }

  // --- the claim's life ---
  // One acknowledgement per claim, whichever run sends it: a run a person started again after needs_attention
  // sends it only if the first run stopped before its mail went out.
  tell({ template: 'acknowledgement' }, 'acknowledgement');
  const checking = 'checking the claim window and the usage ledger';
  if (grouped) {
    const eventKey = nextKey('evidence_check_started');
    const plan = [...REVIEW_DEADLINES];
    opening = { claimId, eventKey, type: 'evidence_check_started', to: 'checking', why: checking, actor: SYSTEM, plan };
  } else {
    state.deadlines = await move('checking', 'evidence_check_started', checking, {
      plan: { kinds: [...REVIEW_DEADLINES] },
    });
  }

  const reached = await reachDecision();
  if (typeof reached === 'string') return finish();
  if (run.withdrawal) {
    await endWithdrawn();
    return finish();
  }

  const denied = reached.outcome === 'denied';
  if (denied) run.denialReached = true;
  state.decision = reached;
  const to: ClaimStatus = denied ? 'denied' : 'approved';
  // A credit with no withdrawal asked for is written with its decision (revision 1); withdrawals are refused from here.
  const creditNow = grouped && paysCredit(reached) && !run.withdrawal;
  if (creditNow) run.remedyStarted = true;
  const eventKey = nextKey('decided');
  const recorded = await steps.recordClaimDecision({ claimId, eventKey, decision: reached, to, credit: creditNow });
  setStatus(to);
  await wake(recorded.wake);
  if (recorded.openDispute) run.dispute ??= { chargebackId: recorded.openDispute, outcome: null };
  tell({ template: 'decision', decision: reached });
  if (denied) return finish();
  if (recorded.credit) return closeWithRemedy(reached);
  // An open dispute kept the credit back: the claim may still be withdrawn while it is held.
  run.remedyStarted = false;

  if (run.withdrawal) {
    await endWithdrawn();
    return finish();
  }
  if (await holdForDispute()) return finish();
  run.remedyStarted = true;
  if (reached.remedy === 'refund') await payRefund(reached);
  else await steps.issueCredit({ claimId, decision: reached });
  return closeWithRemedy(reached);

  /** The money is out: the customer hears so, then the claim closes and frees what it reserved. */
  async function closeWithRemedy(decision: Decision): Promise<ClaimStatus> {
    tell({ template: 'money_sent', decision });
    const why = `${decision.remedy} of ${decision.amount.amountMinor} ${decision.amount.currency} minor units sent`;
    const closing = { settle: [{ kinds: ['payout' as const], state: 'met' as const }], holds: 'release' as const };
    if (grouped) {
      // The closing move rides on the mail activity: one workflow task less, and no mail is left behind a closed claim.
      const close = { claimId, eventKey: nextKey('closed'), type: 'closed', to: 'closed' as const, why, actor: SYSTEM };
      const moved = await mail.sendMailsThenMove({ claimId, mails: outbox.splice(0), move: { ...close, ...closing } });
      setStatus('closed');
      await wake(moved.wake);
    } else {
      await sendMail();
      await move('closed', 'closed', why, closing);
    }
    return finish();
  }
}
