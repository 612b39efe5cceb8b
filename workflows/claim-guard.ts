import {
  ActivityFailure,
  allHandlersFinished,
  ApplicationFailure,
  condition,
  continueAsNew,
  getExternalWorkflowHandle,
  isCancellation,
  proxyActivities,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { createActivities } from '../activities';
import type { ClaimStatus } from '../common/claim';
import { claimWorkflowId } from '../common/ids';
import {
  answerAttentionUpdate,
  CLAIM_FLOW_REVISION,
  remedyHoldSettledSignal,
  withdrawUpdate,
  type AttentionAnswerInput,
  type ClaimWorkflowInput,
  type WithdrawInput,
} from '../common/messages';
import { REFUSALS } from '../common/refusals';
import { ClaimStatusAttribute } from '../common/search-attributes';
import type { AttentionCause } from '../common/unfixable';
import type { ClaimRun } from './claim-run';

type Activities = ReturnType<typeof createActivities>;

/** The guard's own writes retry on their own: they are what makes a stopped claim visible. */
const guardActivities = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute', nonRetryableErrorTypes: [REFUSALS.unknownClaim] },
});

const REVIEW_DEADLINES = ['review_warning', 'review', 'resolution', 'customer_reply', 'payout'] as const;

/**
 * Runs the claim's life; when it throws (a failure retrying cannot fix, or a bug), the claim moves to
 * `needs_attention` with the error, its event and its alert count, and the workflow waits for a person:
 * `retry` starts the claim again from the beginning in a new run (continue-as-new), `close` ends it
 * without a remedy, releasing what it reserved. The workflow never just fails.
 */
export async function guardClaim(
  run: ClaimRun,
  input: ClaimWorkflowInput,
  life: () => Promise<ClaimStatus>,
): Promise<ClaimStatus> {
  try {
    return await life();
  } catch (err) {
    if (isCancellation(err)) throw err;
    return await stopForAttention(run, input, causeOf(err));
  }
}

async function stopForAttention(run: ClaimRun, input: ClaimWorkflowInput, cause: AttentionCause): Promise<ClaimStatus> {
  const { claimId } = run;
  const key = (what: string) => `${workflowInfo().runId}:attention:${what}`;
  await guardActivities.markNeedsAttention({ claimId, eventKey: key('stopped'), cause });
  setStatus(run, 'needs_attention');

  let answer: AttentionAnswerInput | null = null;
  let answered: ClaimStatus | null = null;
  setHandler(
    answerAttentionUpdate,
    async (input) => {
      answer ??= input;
      await condition(() => answered !== null);
      return answered!;
    },
    {
      validator: (_input: AttentionAnswerInput) => {
        if (answer || run.status !== 'needs_attention') {
          throw ApplicationFailure.create({
            type: REFUSALS.wrongState,
            message: `claim ${claimId} is ${answer ? 'already being answered' : run.status}`,
            nonRetryable: true,
          });
        }
      },
    },
  );
  // A withdrawal would wait for a status the stopped claim never reaches: staff close it instead.
  setHandler(withdrawUpdate, async (_input: WithdrawInput) => run.status, {
    validator: (_input: WithdrawInput) => {
      throw ApplicationFailure.create({
        type: REFUSALS.wrongState,
        message: `claim ${claimId} is stopped for a person (needs_attention); support will close or retry it`,
        nonRetryable: true,
      });
    },
  });

  await condition(() => answer !== null);
  const { action, why, actor } = answer!;
  if (action === 'retry') {
    await guardActivities.answerAttention({
      claimId,
      eventKey: key('retry'),
      type: 'attention_retried',
      actor,
      why,
      to: 'received',
    });
    answered = 'received';
    setStatus(run, 'received');
    await condition(allHandlersFinished);
    // A new run has no history to replay, so it takes the current shape.
    return continueAsNew<(i: ClaimWorkflowInput) => Promise<ClaimStatus>>({
      ...input,
      attentionRetries: (input.attentionRetries ?? 0) + 1,
      flowRevision: CLAIM_FLOW_REVISION,
    });
  }
  await guardActivities.settleDeadlines({ claimId, kinds: [...REVIEW_DEADLINES], state: 'cancelled' });
  const { wake } = await guardActivities.settleRemedyHolds({ claimId, release: true });
  for (const other of wake) {
    await getExternalWorkflowHandle(claimWorkflowId(other))
      .signal(remedyHoldSettledSignal)
      .catch(() => undefined);
  }
  await guardActivities.answerAttention({
    claimId,
    eventKey: key('close'),
    type: 'closed_by_staff',
    actor,
    why,
    to: 'closed',
  });
  answered = 'closed';
  setStatus(run, 'closed');
  await condition(allHandlersFinished);
  return 'closed';
}

function setStatus(run: ClaimRun, status: ClaimStatus): void {
  run.state.status = status;
  upsertSearchAttributes([{ key: ClaimStatusAttribute, value: status }]);
}

/** What stopped the claim, in the words staff read: the error type, its message, the activity. */
export function causeOf(err: unknown): AttentionCause {
  const activity = err instanceof ActivityFailure ? (err.activityType ?? null) : null;
  const inner = err instanceof ActivityFailure && err.cause ? err.cause : err;
  const errorType =
    inner instanceof ApplicationFailure
      ? (inner.type ?? 'ApplicationFailure')
      : inner instanceof Error
        ? inner.name
        : 'UnknownError';
  const message = inner instanceof Error ? inner.message : String(inner);
  return { errorType, message, activity, clause: null };
}
