/**
 * Runs `count` bare workflows (bench/lib/bare-workflow.ts) with at most `inFlight` open at once, through a
 * Temporal client, and reports how long they took from the first start to the last completion.
 */
import { Client, Connection, type WorkflowStartOptions } from '@temporalio/client';

export async function driveBareWorkflows(options: {
  temporalAddress: string;
  taskQueue: string;
  count: number;
  inFlight: number;
  activities: number;
  idPrefix: string;
  /** `claimShapedWorkflow` with the start options of a claim (claimShapedStart); `bareWorkflow` by default. */
  shape?: { workflowType: string; start: Pick<WorkflowStartOptions, 'memo' | 'typedSearchAttributes'> };
}): Promise<{ elapsedMs: number; completed: number }> {
  const connection = await Connection.connect({ address: options.temporalAddress });
  try {
    const client = new Client({ connection, namespace: 'default' });
    let next = 0;
    let completed = 0;
    const started = performance.now();
    const lane = async () => {
      for (let i = next++; i < options.count; i = next++) {
        await client.workflow.execute(options.shape?.workflowType ?? 'bareWorkflow', {
          taskQueue: options.taskQueue,
          workflowId: `${options.idPrefix}-${i}`,
          args: options.shape ? [] : [options.activities],
          ...options.shape?.start,
        });
        completed++;
      }
    };
    await Promise.all(Array.from({ length: Math.min(options.inFlight, options.count) }, lane));
    return { elapsedMs: performance.now() - started, completed };
  } finally {
    await connection.close();
  }
}
