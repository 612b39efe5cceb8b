import { Client, Connection, WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { claimWorkflowId } from '../common/ids';
import type { ClaimWorkflowInput } from '../common/messages';
import type { claimWorkflow } from '../workflows';

export async function connectTemporal(address: string, namespace: string): Promise<Client> {
  const connection = await Connection.connect({ address });
  return new Client({ connection, namespace });
}

/**
 * Starts the claim's workflow, or does nothing when it already runs or ran:
 * the id comes from the claim id, so a duplicate start is impossible.
 */
export async function startClaimWorkflow(client: Client, taskQueue: string, claimId: string): Promise<void> {
  const input: ClaimWorkflowInput = { claimId };
  try {
    await client.workflow.start<typeof claimWorkflow>('claimWorkflow', {
      taskQueue,
      workflowId: claimWorkflowId(claimId),
      args: [input],
      workflowIdConflictPolicy: 'USE_EXISTING',
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
    });
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
  }
}

export function claimHandle(client: Client, claimId: string) {
  return client.workflow.getHandle<typeof claimWorkflow>(claimWorkflowId(claimId));
}
