import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import { createActivities, type ActivityDeps } from '../activities';
import { TASK_QUEUE } from '../common/ids';
import { countActivityFailures } from '../metrics/activity-failures';
import type { WorkerMetrics } from '../metrics/desk-metrics';

export interface WorkerSetup {
  connection: NativeConnection;
  namespace: string;
  taskQueue?: string;
  deps: ActivityDeps;
  /** A pre-built workflow bundle (tests bundle once); otherwise the workflows folder is bundled at start. */
  workflowBundle?: WorkerOptions['workflowBundle'];
  /** Where failed activity attempts are counted. */
  metrics?: Pick<WorkerMetrics, 'activityFailures'>;
}

export async function createRefundDeskWorker({ connection, namespace, taskQueue = TASK_QUEUE, deps, workflowBundle, metrics }: WorkerSetup): Promise<Worker> {
  return Worker.create({
    connection,
    namespace,
    taskQueue,
    ...(workflowBundle ? { workflowBundle } : { workflowsPath: require.resolve('../workflows') }),
    activities: createActivities(deps),
    ...(metrics && { interceptors: { activity: [countActivityFailures(metrics)] } }),
  });
}
