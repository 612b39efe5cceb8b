import {
  allHandlersFinished,
  ApplicationFailure,
  condition,
  getExternalWorkflowHandle,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { ChargebackActivities } from '../activities/chargebacks';
import type { PlatformEventType } from '../activities/chargeback-notices';
import {
  acceptDisputeUpdate,
  CHARGEBACK_REFUSALS,
  chargebackStateQuery,
  confirmSubmissionUpdate,
  contestDisputeUpdate,
  disputeEventSignal,
  reinstateAccountUpdate,
  suspendAccountUpdate,
  terminateAccountUpdate,
  type ChargebackState,
  type ChargebackWorkflowInput,
  type ConfirmSubmissionInput,
  type ContestInput,
  type StaffActionInput,
  type DisputeEventSignal,
} from '../common/chargeback';
import type { Actor } from '../common/claim';
import { disputeClosedSignal, disputeOpenedSignal } from '../common/dispute-hold';
import { claimWorkflowId } from '../common/ids';
import type { ChargebackDeadline, ChargebackStance, ChargebackStatus } from '../domain/chargebacks';
import { msUntil, workflowNowIso } from './clock';

const NON_RETRYABLE = ['ChargebackUnknown', 'ChargebackUnmatched', 'ProcessorEventUnknown'];

/** Database steps: local activities (no task-queue round trip), short and retried quickly. */
const acts = proxyLocalActivities<ChargebackActivities>({
  startToCloseTimeout: '30 seconds',
  localRetryThreshold: '10 seconds',
  retry: { initialInterval: '500 milliseconds', maximumInterval: '30 seconds', nonRetryableErrorTypes: NON_RETRYABLE },
});

/**
 * Mail: an ordinary activity with a timeout sized to one SMTP exchange, so an attempt lost with a crashed worker,
 * or a staff action waiting behind it, is retried within seconds (as the claim's SMTP step is).
 */
const mail = proxyActivities<ChargebackActivities>({
  startToCloseTimeout: '15 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '10 seconds', nonRetryableErrorTypes: NON_RETRYABLE },
});

/** The evidence pack: the ledger queries behind it, with room for a large account. */
const evidence = proxyActivities<ChargebackActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '10 seconds', nonRetryableErrorTypes: NON_RETRYABLE },
});

/** The payment processor: one call per attempt, slower retries. */
const processorActs = proxyActivities<ChargebackActivities>({
  startToCloseTimeout: '30 seconds',
  retry: {
    initialInterval: '5 seconds',
    maximumInterval: '10 minutes',
    maximumAttempts: 20,
    nonRetryableErrorTypes: NON_RETRYABLE,
  },
});

/** Outbound webhooks: the platform may be down for a while; each attempt is in the delivery log. */
const outbound = proxyActivities<ChargebackActivities>({
  startToCloseTimeout: '30 seconds',
  retry: {
    initialInterval: '5 seconds',
    backoffCoefficient: 2,
    maximumInterval: '1 hour',
    maximumAttempts: 15,
    nonRetryableErrorTypes: NON_RETRYABLE,
  },
});

const SYSTEM: Actor = { type: 'system', id: 'chargeback-workflow' };
const PROCESSOR: Actor = { type: 'system', id: 'processor' };
const EVIDENCE_KINDS = ['evidence_warning', 'evidence_escalation', 'evidence_due'];
const AWAITING_RESPONSE: readonly ChargebackStatus[] = ['open', 'contest_pending'];

/**
 * One payment dispute, from its first processor event to closure: apply the policy's stance (suspend,
 * hold credits), build the evidence pack, run the evidence deadline, take the staff's actions, and
 * settle the outcome. Events arrive by signal-with-start in any order; the case follows the newest.
 */
export async function chargebackWorkflow({ chargebackId }: ChargebackWorkflowInput): Promise<ChargebackStatus> {
  const state: ChargebackState = {
    status: 'open',
    processorStatus: null,
    outcome: null,
    dueBy: null,
    unmatched: false,
    accountStatus: null,
    creditsHeld: false,
    deadlines: [],
    escalations: [],
  };
  const queue: DisputeEventSignal[] = [];
  const fired = new Set<string>();
  const background: Promise<unknown>[] = [];
  let stance: ChargebackStance | null = null;
  let opened = false;
  let outcomeHandled = false;
  let accountDecided = false;
  let busy = false;
  let seq = 0;

  const nextKey = (type: string) => `${workflowInfo().runId}:${++seq}:${type}`;

  function refuse(message: string): never {
    throw ApplicationFailure.create({ type: CHARGEBACK_REFUSALS.wrongState, message, nonRetryable: true });
  }

  /** Steps of the main loop and staff actions never interleave. */
  async function exclusive<T>(step: () => Promise<T>): Promise<T> {
    await condition(() => !busy);
    busy = true;
    try {
      return await step();
    } finally {
      busy = false;
    }
  }

  async function step(
    type: string,
    why: string,
    to: ChargebackStatus | null = null,
    actor: Actor = SYSTEM,
    clause: string | null = null,
    data?: Record<string, unknown>,
  ) {
    state.status = await acts.recordChargebackStep({
      chargebackId,
      eventKey: nextKey(type),
      type,
      to,
      actor,
      why,
      clause,
      data,
    });
  }

  /** Outbound webhooks run beside the case, so a platform that is down never stalls it. */
  function tellPlatform(type: PlatformEventType): void {
    const messageId = `msg_${workflowInfo().runId}_${++seq}`;
    background.push(outbound.notifyPlatform({ messageId, type, chargebackId }).catch(() => undefined));
  }

  async function tellCustomer(notice: Parameters<ChargebackActivities['notifyChargebackCustomer']>[0]['notice']) {
    await mail.notifyChargebackCustomer({ chargebackId, key: nextKey(`customer_${notice.template}`), notice });
  }

  async function setAccount(
    to: 'suspended' | 'active' | 'terminated',
    actor: Actor,
    why: string,
    clause: string | null,
    onlyIfOurs = false,
  ) {
    const result = await acts.changeDisputedAccountStatus({
      chargebackId,
      eventKey: nextKey(`account_${to}`),
      to,
      actor,
      why,
      clause,
      onlyIfSuspendedByThisCase: onlyIfOurs,
    });
    state.accountStatus = result.status;
    if (!result.changed) return false;
    const event =
      to === 'active' ? 'account.reinstated' : to === 'suspended' ? 'account.suspended' : 'account.terminated';
    tellPlatform(event);
    return true;
  }

  // --- processor events ---

  async function drain(): Promise<void> {
    while (queue.length) {
      const event = queue.shift()!;
      const snap = await acts.applyDisputeEvent({ chargebackId, ...event });
      state.processorStatus = snap.processorStatus;
      state.unmatched = snap.unmatched;
      state.status = snap.status;
      if (snap.outcome && !state.outcome) state.outcome = snap.outcome;
      if (snap.dueBy !== state.dueBy) {
        const moved = state.dueBy !== null;
        state.dueBy = snap.dueBy;
        if (opened && snap.dueBy) await planEvidenceDeadlines(moved);
      }
    }
  }

  async function planEvidenceDeadlines(moved: boolean): Promise<void> {
    const planned = await acts.planEvidenceDeadlines({ chargebackId, dueBy: state.dueBy! });
    state.deadlines = [...state.deadlines.filter((d) => !EVIDENCE_KINDS.includes(d.kind)), ...planned];
    if (moved)
      await step('due_by_moved', `the processor moved the evidence deadline to ${state.dueBy}`, null, PROCESSOR);
  }

  /** Tells the open refund claims on the charge: held while the dispute is open, then how it ended. */
  async function signalClaims(outcome: 'won' | 'lost' | null): Promise<void> {
    const claims = await acts.claimsOnDisputedCharge({ chargebackId });
    for (const claimId of claims) {
      const claim = getExternalWorkflowHandle(claimWorkflowId(claimId));
      // A claim whose workflow already ended has nothing left to hold.
      if (outcome) await claim.signal(disputeClosedSignal, { chargebackId, outcome }).catch(() => undefined);
      else await claim.signal(disputeOpenedSignal, { chargebackId }).catch(() => undefined);
    }
    if (claims.length) {
      const type = outcome ? 'claims_released' : 'claims_held';
      await step(
        type,
        outcome
          ? `dispute ${outcome}: held claims told (${claims.join(', ')})`
          : `no remedy while the dispute is open: ${claims.join(', ')} held`,
        null,
        SYSTEM,
        null,
        { claims },
      );
    }
  }

  // --- opening: the policy's stance at once ---

  async function openCase(): Promise<void> {
    const view = await acts.loadChargebackStance({ chargebackId });
    state.accountStatus = view.accountStatus;
    stance = view.stance;
    if (view.unmatched || !stance) {
      await mail.alertChargebackStaff({
        chargebackId,
        eventKey: nextKey('unmatched'),
        audience: 'lead',
        type: 'unmatched_dispute',
        why: 'no ledger charge matches this dispute; match it by hand and answer the processor before the deadline',
      });
    } else if (state.outcome) {
      // The dispute was already closed when its first event arrived: no stance to apply, only the record.
      await evidence.buildEvidencePack({ chargebackId });
    } else {
      if (stance.suspendImmediately) {
        const { clause, quote } = stance.suspension;
        if (await setAccount('suspended', SYSTEM, `chargeback ${chargebackId} opened`, clause))
          await tellCustomer({ template: 'suspended', clause, quote });
      } else {
        await mail.alertChargebackStaff({
          chargebackId,
          eventKey: nextKey('suspension_decision'),
          audience: 'lead',
          type: 'suspension_decision_needed',
          clause: stance.suspension.clause,
          why: `the policy leaves suspension to a person: ${stance.suspension.assumption ?? stance.suspension.quote}`,
        });
      }
      if (stance.holdCredits) {
        const held = await acts.holdDisputedCredits({ chargebackId, eventKey: nextKey('credits_held') });
        state.creditsHeld = held !== null;
        if (held && held.amountMinor > 0)
          await tellCustomer({
            template: 'credits_held',
            amount: held,
            clause: stance.creditHold.clause,
            quote: stance.creditHold.quote,
          });
      }
      await signalClaims(null);
      await evidence.buildEvidencePack({ chargebackId });
    }
    tellPlatform('chargeback.opened');
    if (state.dueBy) await planEvidenceDeadlines(false);
    opened = true;
  }

  // --- deadlines ---

  function isActive(d: ChargebackDeadline): boolean {
    if (EVIDENCE_KINDS.includes(d.kind)) return opened && !state.outcome && AWAITING_RESPONSE.includes(state.status);
    return d.kind === 'account_decision' && state.status === 'lost' && !accountDecided;
  }

  const keyOf = (d: ChargebackDeadline) => `${d.kind}@${d.dueAt}`;

  function nextDeadline(): ChargebackDeadline | undefined {
    return state.deadlines
      .filter((d) => isActive(d) && !fired.has(keyOf(d)))
      .sort((a, b) => Date.parse(a.dueAt) - Date.parse(b.dueAt))[0];
  }

  async function fire(d: ChargebackDeadline): Promise<void> {
    fired.add(keyOf(d));
    if (!isActive(d)) return;
    const alert = (audience: 'lead' | 'admin', type: string, why: string) =>
      mail.alertChargebackStaff({
        chargebackId,
        eventKey: nextKey(type),
        audience,
        type,
        why,
        deadline: d,
        timer: true,
      });
    if (d.kind === 'evidence_warning') {
      await alert(
        'lead',
        'evidence_deadline_warning',
        `evidence is due by ${state.dueBy}; accept or contest before then`,
      );
    } else if (d.kind === 'evidence_escalation') {
      await alert(
        'lead',
        'evidence_deadline_escalated',
        `evidence is due by ${state.dueBy}, in less than a day, and nobody has answered`,
      );
      state.escalations.push('evidence_escalation:lead');
    } else if (d.kind === 'evidence_due') {
      await step(
        'evidence_deadline_missed',
        `no response was submitted by ${state.dueBy}`,
        null,
        { type: 'timer', id: 'chargeback:evidence_due' },
        d.clause,
      );
      await acts.settleChargebackDeadlines({ chargebackId, kinds: ['evidence_due'], state: 'fired' });
      await alert('admin', 'escalated_to_admin', `the evidence deadline ${state.dueBy} passed without a response`);
      state.escalations.push('evidence_due:admin');
    } else {
      await alert(
        'admin',
        'account_decision_overdue',
        `the dispute was lost and nobody decided the account's fate by ${d.dueAt}`,
      );
      state.escalations.push('account_decision:admin');
    }
  }

  // --- the outcome ---

  async function settleOutcome(): Promise<void> {
    outcomeHandled = true;
    const responded = !AWAITING_RESPONSE.includes(state.status);
    await acts.settleChargebackDeadlines({
      chargebackId,
      kinds: EVIDENCE_KINDS,
      state: responded ? 'met' : 'cancelled',
    });
    const processor = PROCESSOR;
    if (state.outcome === 'won') {
      await acts.settleDisputedCredits({
        chargebackId,
        eventKey: nextKey('credits_released'),
        as: 'released',
        actor: processor,
        why: 'dispute won: held credits are spendable again',
      });
      if (!state.unmatched && state.accountStatus === 'suspended') {
        if (
          await setAccount('active', processor, `dispute ${chargebackId} won`, stance?.suspension.clause ?? null, true)
        )
          await tellCustomer({ template: 'reinstated' });
      }
      await signalClaims('won');
      await step('dispute_won', `the processor closed the dispute as ${state.processorStatus}`, 'won', processor);
      await tellCustomer({ template: 'dispute_won' });
      tellPlatform('chargeback.won');
      await step('closed', 'dispute won', 'closed');
      return;
    }
    await acts.settleDisputedCredits({
      chargebackId,
      eventKey: nextKey('credits_deducted'),
      as: 'deducted',
      actor: processor,
      why: 'dispute lost: the held credits are deducted',
    });
    await signalClaims('lost');
    await step('dispute_lost', `the processor closed the dispute as ${state.processorStatus}`, 'lost', processor);
    await tellCustomer({ template: 'dispute_lost' });
    tellPlatform('chargeback.lost');
    if (state.unmatched || state.accountStatus === 'terminated') accountDecided = true;
    if (!accountDecided) {
      const deadline = await acts.planAccountDecision({ chargebackId, from: workflowNowIso() });
      state.deadlines.push(deadline);
      await mail.alertChargebackStaff({
        chargebackId,
        eventKey: nextKey('account_decision'),
        audience: 'lead',
        type: 'account_decision_needed',
        clause: deadline.clause,
        why: `the dispute was lost; reinstate or terminate the account by ${deadline.dueAt}`,
      });
    }
  }

  async function closeLost(): Promise<void> {
    await acts.settleChargebackDeadlines({ chargebackId, kinds: ['account_decision'], state: 'met' });
    await step('closed', 'dispute lost and the account decided', 'closed');
    tellPlatform('chargeback.closed');
  }

  // --- staff actions (Temporal updates) ---

  // Validators check what is known when the update arrives; handlers check again once the case is open.
  const requireOpen = () => {
    if (state.outcome || !AWAITING_RESPONSE.includes(state.status))
      refuse(`chargeback ${chargebackId} is ${state.status}; it can no longer be answered`);
  };

  setHandler(disputeEventSignal, (event) => {
    queue.push(event);
  });
  setHandler(chargebackStateQuery, () => state);

  setHandler(
    acceptDisputeUpdate,
    (input) =>
      exclusive(async () => {
        requireOpen();
        const receipt = await processorActs.acceptAtProcessor({ chargebackId });
        await acts.settleDisputedCredits({
          chargebackId,
          eventKey: nextKey('credits_deducted'),
          as: 'deducted',
          actor: input.actor,
          why: `dispute accepted: ${input.why}`,
        });
        await step('dispute_accepted', input.why, 'accepted', input.actor, null, { receipt });
        tellPlatform('chargeback.accepted');
        return state.status;
      }),
    { validator: (_input: StaffActionInput) => requireOpen() },
  );

  setHandler(
    contestDisputeUpdate,
    (input) =>
      exclusive(async () => {
        requireOpen();
        const receipt = await processorActs.submitDisputeEvidence({
          chargebackId,
          edits: input.evidence,
          actor: input.actor,
        });
        const edited = Object.keys(input.evidence ?? {});
        if (receipt.submitted) {
          await step(
            'evidence_submitted',
            input.note ?? `evidence submitted through ${receipt.adapter}`,
            'contested',
            input.actor,
            null,
            { receipt, edited },
          );
          tellPlatform('chargeback.contested');
        } else {
          await step(
            'contest_prepared',
            input.note ?? 'evidence prepared; finance submits it in the processor dashboard and confirms',
            'contest_pending',
            input.actor,
            null,
            { receipt, edited },
          );
          await mail.alertChargebackStaff({
            chargebackId,
            eventKey: nextKey('submission_needed'),
            audience: 'finance',
            type: 'evidence_submission_needed',
            why: `submit the stored evidence in the processor's dashboard before ${state.dueBy ?? 'the deadline'}, then confirm it here`,
          });
        }
        return state.status;
      }),
    { validator: (_input: ContestInput) => requireOpen() },
  );

  setHandler(
    confirmSubmissionUpdate,
    (input) =>
      exclusive(async () => {
        if (state.status !== 'contest_pending')
          refuse(`chargeback ${chargebackId} is ${state.status}; nothing awaits confirmation`);
        await step(
          'evidence_submitted',
          `submitted in the processor dashboard${input.processorReference ? ` (${input.processorReference})` : ''}`,
          'contested',
          input.actor,
          null,
          { processorReference: input.processorReference ?? null },
        );
        tellPlatform('chargeback.contested');
        return state.status;
      }),
    {
      validator: (_input: ConfirmSubmissionInput) => {
        if (state.status !== 'contest_pending')
          refuse(`chargeback ${chargebackId} is ${state.status}; nothing awaits confirmation`);
      },
    },
  );

  const requireMatched = () => {
    if (state.unmatched) refuse(`chargeback ${chargebackId} is not matched to an account`);
  };
  const requireAccount = (ok: (status: NonNullable<ChargebackState['accountStatus']>) => boolean, why: string) => {
    requireMatched();
    if (state.accountStatus && !ok(state.accountStatus)) refuse(why);
  };

  setHandler(
    suspendAccountUpdate,
    (input) =>
      exclusive(async () => {
        requireAccount((a) => a === 'active', `the account is ${state.accountStatus}`);
        if (await setAccount('suspended', input.actor, input.why, stance?.suspension.clause ?? null)) {
          await tellCustomer({
            template: 'suspended',
            clause: stance!.suspension.clause,
            quote: stance!.suspension.quote,
          });
        }
        return state;
      }),
    {
      validator: (_input: StaffActionInput) =>
        requireAccount((a) => a === 'active', `the account is ${state.accountStatus}`),
    },
  );

  /** Reinstate lifts a suspension, or records after a lost dispute that an active account stays active. */
  function requireReinstatable(): void {
    const decidingAfterLoss = state.status === 'lost' && !accountDecided;
    requireAccount(
      (a) => a === 'suspended' || (a === 'active' && decidingAfterLoss),
      `the account is ${state.accountStatus}; there is nothing to reinstate`,
    );
  }

  setHandler(
    reinstateAccountUpdate,
    (input) =>
      exclusive(async () => {
        requireReinstatable();
        if (
          state.accountStatus === 'suspended' &&
          (await setAccount('active', input.actor, input.why, stance?.suspension.clause ?? null))
        ) {
          await tellCustomer({ template: 'reinstated' });
        } else {
          await step('account_kept_active', input.why, null, input.actor);
        }
        if (state.outcome === 'lost') accountDecided = true;
        return state;
      }),
    { validator: (_input: StaffActionInput) => requireReinstatable() },
  );

  setHandler(
    terminateAccountUpdate,
    (input) =>
      exclusive(async () => {
        requireAccount((a) => a !== 'terminated', 'the account is already terminated');
        const termination = stance?.termination;
        if (await setAccount('terminated', input.actor, input.why, termination?.clause ?? null)) {
          await tellCustomer({ template: 'terminated', clause: termination!.clause, quote: termination!.quote });
        }
        accountDecided = true;
        return state;
      }),
    {
      validator: (_input: StaffActionInput) =>
        requireAccount((a) => a !== 'terminated', 'the account is already terminated'),
    },
  );

  // --- the case's life ---
  await condition(() => queue.length > 0);
  await exclusive(drain);
  if (state.status !== 'closed') await exclusive(openCase);
  while (state.status !== 'closed') {
    const next = nextDeadline();
    const nextKeyNow = next && keyOf(next);
    const wake = () =>
      queue.length > 0 ||
      (state.outcome !== null && !outcomeHandled) ||
      (state.status === 'lost' && accountDecided) ||
      nextDeadline()?.dueAt !== next?.dueAt;
    if (next && msUntil(next.dueAt) === 0) {
      await exclusive(() => fire(next));
      continue;
    }
    const woke = next ? await condition(wake, msUntil(next.dueAt)) : (await condition(wake), true);
    if (queue.length) await exclusive(drain);
    else if (state.outcome && !outcomeHandled) await exclusive(settleOutcome);
    else if (state.status === 'lost' && accountDecided) await exclusive(closeLost);
    else if (!woke && next && nextKeyNow === keyOf(next)) await exclusive(() => fire(next));
  }
  await Promise.all(background);
  await condition(allHandlersFinished);
  return state.status;
}
