import { ApplicationFailure, condition, setHandler } from '@temporalio/workflow';
import type { ClaimStatus, Decision, DecisionReason } from '../common/claim';
import {
  claimStateQuery,
  confirmPayoutUpdate,
  customerReplyUpdate,
  decideUpdate,
  requestInfoUpdate,
  withdrawUpdate,
  type CustomerReplyInput,
  type InfoRequestInput,
  type PayoutConfirmationInput,
  type StaffDecisionInput,
  type WithdrawInput,
} from '../common/messages';
import { REFUSALS } from '../common/refusals';
import type { ClaimRun } from './claim-run';

/**
 * The claim's updates. Validators refuse what the claim's state does not allow; handlers wait until the
 * claim has moved, so every answer carries the status the action led to.
 */
export function registerHandlers(
  run: ClaimRun,
  validateDecision: (input: StaffDecisionInput) => Promise<Decision>,
  confirmPayout: (input: PayoutConfirmationInput) => Promise<void>,
  applyReply: (reply: CustomerReplyInput) => Promise<void>,
  /** Whether actions answer once the claim has moved (always, except in claims started before that change). */
  awaitStatus: boolean,
): void {
  const { claimId } = run;
  const refuse = (type: string, message: string): never => {
    throw ApplicationFailure.create({ type, message, nonRetryable: true });
  };
  const requireStatus = (...allowed: ClaimStatus[]) => {
    if (allowed.includes(run.status)) return;
    if (run.isFinal()) refuse(REFUSALS.closed, closedMessage(run));
    if (run.settled())
      refuse(REFUSALS.wrongState, `claim ${claimId} is ${run.status}; this needs it ${allowed.join(' or ')}`);
    refuse(REFUSALS.moving, `claim ${claimId} is ${run.status} and about to move on; try again in a moment`);
  };
  const whenSettled = async () => {
    if (awaitStatus) await condition(() => run.settled());
  };

  setHandler(claimStateQuery, () => run.state);

  setHandler(
    decideUpdate,
    async (input) => {
      if (run.staffDecision && run.isRepeatOfDecision(input)) {
        await whenSettled();
        return run.staffDecision;
      }
      if (run.deciding) refuse(REFUSALS.moving, `a decision on claim ${claimId} is already being recorded`);
      const decision = await validateDecision(input);
      if (awaitStatus && (run.withdrawal || run.status !== 'in_review' || run.staffDecision)) {
        refuse(
          REFUSALS.wrongState,
          `claim ${claimId} is ${run.withdrawal ? 'being withdrawn' : run.status}; the decision was not recorded`,
        );
      }
      run.staffDecision = decision;
      run.staffDecisionInput = input;
      if (awaitStatus) await condition(() => run.status !== 'in_review' && run.settled());
      return decision;
    },
    {
      validator: (input: StaffDecisionInput) => {
        if (run.staffDecision && run.isRepeatOfDecision(input)) return;
        requireStatus('in_review');
      },
    },
  );

  setHandler(
    requestInfoUpdate,
    async (input) => {
      run.infoRequest = input;
      await condition(() => run.status !== 'in_review');
      return run.status;
    },
    { validator: (_input: InfoRequestInput) => requireStatus('in_review') },
  );

  setHandler(
    customerReplyUpdate,
    async (reply) => {
      await applyReply(reply);
      run.customerReplied = true;
      if (awaitStatus) await condition(() => run.status !== 'awaiting_customer' && run.settled());
      return run.status;
    },
    { validator: (_reply: CustomerReplyInput) => requireStatus('awaiting_customer') },
  );

  setHandler(
    withdrawUpdate,
    async (input) => {
      run.withdrawal = input;
      await condition(() => run.status === 'withdrawn' || !run.canWithdraw());
      if (run.status !== 'withdrawn')
        refuse(REFUSALS.wrongState, `claim ${claimId} is ${run.status}; it can no longer be withdrawn`);
      return run.status;
    },
    {
      validator: (_input: WithdrawInput) => {
        if (run.isFinal()) refuse(REFUSALS.closed, closedMessage(run));
        if (!run.canWithdraw())
          refuse(REFUSALS.wrongState, `claim ${claimId} can no longer be withdrawn (${run.status}, remedy under way)`);
        if (run.deciding) refuse(REFUSALS.moving, `claim ${claimId} is being decided right now; try again in a moment`);
      },
    },
  );

  setHandler(
    confirmPayoutUpdate,
    async (input) => {
      if (!run.payoutConfirmation && !run.confirmingPayout) {
        run.confirmingPayout = input;
        try {
          await confirmPayout(input);
          run.payoutConfirmation = input;
        } finally {
          run.confirmingPayout = null;
        }
      } else {
        // The same confirmation is already being recorded: answer with its outcome.
        await condition(() => run.payoutConfirmation !== null || run.confirmingPayout === null);
        if (!run.payoutConfirmation)
          refuse(REFUSALS.moving, `the payout confirmation of claim ${claimId} did not go through; try again`);
      }
      await whenSettled();
      if (awaitStatus) await condition(() => run.status !== 'awaiting_payout');
      return run.status;
    },
    {
      validator: (input: PayoutConfirmationInput) => {
        const first = run.payoutConfirmation ?? run.confirmingPayout;
        if (first && first.processorReference === input.processorReference) return;
        if (first)
          refuse(
            REFUSALS.conflicting,
            `the payout of claim ${claimId} was confirmed with processor reference ${first.processorReference}`,
          );
        requireStatus('awaiting_payout');
      },
    },
  );
}

/** "claim clm_1 is closed (approved, credit sent)": what a late action is told. */
function closedMessage(run: ClaimRun): string {
  const decision = run.state.decision;
  const what = decision
    ? `${decision.outcome}${decision.remedy === 'none' ? '' : `, ${decision.remedy} ${run.status === 'closed' ? 'sent' : 'not sent'}`}`
    : run.status;
  return `claim ${run.claimId} is ${run.status === 'closed' ? 'closed' : `closed as ${run.status}`} (${what})`;
}

/** The reasons of an assessment in one line, each with its clause. */
export function describe(reasons: DecisionReason[]): string {
  return reasons.map((r) => `${r.message} (${r.clause})`).join('; ');
}
