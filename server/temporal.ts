import {
  Client,
  Connection,
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
} from '@temporalio/client';
import { TypedSearchAttributes, type UpdateDefinition } from '@temporalio/common';
import { CLAIM_WORKFLOW_TYPE, claimWorkflowId } from '../common/ids';
import { CLAIM_FLOW_REVISION, type ClaimVisibility, type ClaimWorkflowInput } from '../common/messages';
import {
  ClaimAccountAttribute,
  ClaimOverdueAttribute,
  ClaimPolicyAttribute,
  ClaimStatusAttribute,
} from '../common/search-attributes';
import { REFUSALS } from '../common/refusals';
import { businessRefusal } from './errors';
import type { claimWorkflowV2 } from '../workflows';

export async function connectTemporal(address: string, namespace: string): Promise<Client> {
  const connection = await Connection.connect({ address });
  return new Client({ connection, namespace });
}

/**
 * Starts the claim's workflow (always the current type, CLAIM_WORKFLOW_TYPE), or does nothing when it already runs or ran:
 * the id comes from the claim id, so a duplicate start is impossible. With the claim's facts, the run
 * carries its memo and search attributes from the start, so `temporal workflow list` finds it at once. Says whether
 * the server handed the first workflow task straight back (an eager start).
 */
export async function startClaimWorkflow(
  client: Client,
  taskQueue: string,
  claimId: string,
  facts?: ClaimVisibility,
  options: { eager?: boolean } = {},
): Promise<{ eagerly: boolean }> {
  const input: ClaimWorkflowInput = { claimId, ...facts, flowRevision: CLAIM_FLOW_REVISION };
  try {
    const run = await client.workflow.start<typeof claimWorkflowV2>(CLAIM_WORKFLOW_TYPE, {
      taskQueue,
      workflowId: claimWorkflowId(claimId),
      args: [input],
      workflowIdConflictPolicy: 'USE_EXISTING',
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
      ...(facts && claimStartVisibility(facts)),
      // Only on a client that shares a worker's connection (connectWorkerTemporal); the server may still decline.
      ...(options.eager && { requestEagerStart: true }),
    });
    return { eagerly: run.eagerlyStarted ?? false };
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    return { eagerly: false };
  }
}

/** The memo and search attributes a claim's run starts with: received, its account and policy, not overdue. */
export function claimStartVisibility(facts: ClaimVisibility) {
  return {
    memo: { ...facts },
    typedSearchAttributes: new TypedSearchAttributes([
      { key: ClaimStatusAttribute, value: 'received' },
      { key: ClaimAccountAttribute, value: facts.accountId },
      { key: ClaimPolicyAttribute, value: facts.policyId },
      { key: ClaimOverdueAttribute, value: false },
    ]),
  };
}

/** A claim's workflow, whichever type it runs as (both share the id, signals, queries and updates). */
export function claimHandle(client: Client, claimId: string) {
  return client.workflow.getHandle<typeof claimWorkflowV2>(claimWorkflowId(claimId));
}

/** How long an action waits for a claim that is between two states before answering 409 retryable. */
const SETTLE_WAIT_MS = 5_000;
const SETTLE_POLL_MS = 200;

/**
 * Sends an action to the claim; when the claim is moving between states (it was just stored as in review but
 * its run has not caught up, say, or its run is not started yet because the claim waits in the outbox for the
 * dispatcher) the action is tried again for a few seconds instead of failing at once.
 */
export async function claimAction<Ret, Arg>(
  client: Client,
  claimId: string,
  update: UpdateDefinition<Ret, [Arg]>,
  args: [Arg],
): Promise<Ret> {
  const giveUpAt = Date.now() + SETTLE_WAIT_MS;
  for (;;) {
    try {
      return await claimHandle(client, claimId).executeUpdate(update, { args });
    } catch (err) {
      const notStartedYet = err instanceof WorkflowNotFoundError;
      const moving =
        notStartedYet || (err instanceof WorkflowUpdateFailedError && businessRefusal(err)?.type === REFUSALS.moving);
      if (!moving || Date.now() > giveUpAt) throw err;
      await new Promise((resolve) => setTimeout(resolve, SETTLE_POLL_MS));
    }
  }
}
