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

/** The Refund Desk worker: every workflow, and the activities built from `deps`. */
export async function createRefundDeskWorker({
  connection,
  namespace,
  taskQueue = TASK_QUEUE,
  deps,
  workflowBundle,
  metrics,
}: WorkerSetup): Promise<Worker> {
  return Worker.create({
    connection,
    namespace,
    taskQueue,
    ...(workflowBundle ? { workflowBundle } : { workflowsPath: require.resolve('../workflows') }),
    activities: createActivities(deps),
    ...(metrics && { interceptors: { activity: [countActivityFailures(metrics)] } }),
  });
}

/** A worker polling its task queue until stop(). */
export interface RunningWorker {
  /** Settles when the worker has stopped (after stop() or a signal the SDK handles). */
  done: Promise<void>;
  stop(): Promise<void>;
}

/** Connects to Temporal and runs the worker; stop() drains it and closes the connection. */
export async function runRefundDeskWorker(
  setup: Omit<WorkerSetup, 'connection'> & { address: string },
): Promise<RunningWorker> {
  const connection = await NativeConnection.connect({ address: setup.address });
  const worker = await createRefundDeskWorker({ ...setup, connection });
  const done = worker.run().finally(() => connection.close());
  return {
    done,
    async stop() {
      // Tolerates a worker that is already draining (e.g. after a signal), so the caller can still free the pool.
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await done;
    },
  };
}
