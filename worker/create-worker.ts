import { Client } from '@temporalio/client';
import { NativeConnection, Worker, type ActivityInterceptorsFactory, type WorkerOptions } from '@temporalio/worker';
import { createActivities, type ActivityDeps } from '../activities';
import { TASK_QUEUE } from '../common/ids';
import { countActivityFailures } from '../metrics/activity-failures';
import { claimActivityFailures } from './claim-failures';
import { heartbeatLongActivities } from './heartbeats';
import type { WorkerMetrics } from '../metrics/desk-metrics';
import { workerTuningFromEnv, type WorkerTuning } from './tuning';

export interface WorkerSetup {
  connection: NativeConnection;
  namespace: string;
  taskQueue?: string;
  deps: ActivityDeps;
  /** A pre-built workflow bundle (tests bundle once); otherwise the workflows folder is bundled at start. */
  workflowBundle?: WorkerOptions['workflowBundle'];
  /** Where failed activity attempts are counted. */
  metrics?: Pick<WorkerMetrics, 'activityFailures'>;
  /** Cache size, task slots and pollers; from the WORKER_* env vars (worker/tuning.ts) when omitted. */
  tuning?: WorkerTuning;
  /** Extra activity interceptors, after the failure counter (the chaos worker's kill switch). */
  activityInterceptors?: ActivityInterceptorsFactory[];
}

/** The Refund Desk worker: every workflow, and the activities built from `deps`. */
export async function createRefundDeskWorker({
  connection,
  namespace,
  taskQueue = TASK_QUEUE,
  deps,
  workflowBundle,
  metrics,
  tuning = workerTuningFromEnv(),
  activityInterceptors = [],
}: WorkerSetup): Promise<Worker> {
  return Worker.create({
    connection,
    namespace,
    taskQueue,
    ...tuning,
    ...(workflowBundle ? { workflowBundle } : { workflowsPath: require.resolve('../workflows') }),
    activities: createActivities(deps),
    // Failures are classified first, so the count sees the type the workflow gets (e.g. PayloadTooLarge).
    interceptors: {
      activity: [
        ...(metrics ? [countActivityFailures(metrics)] : []),
        claimActivityFailures,
        heartbeatLongActivities,
        ...activityInterceptors,
      ],
    },
  });
}

/** A worker polling its task queue until stop(). */
export interface RunningWorker {
  /** Settles when the worker has stopped (after stop() or a signal the SDK handles). */
  done: Promise<void>;
  stop(): Promise<void>;
}

/**
 * The worker's connection and a client on it. A workflow started through this client may come back with its first
 * workflow task in the start's own response (eager start), which this process's worker then runs: no trip through
 * the server's task matching, so a claim costs the engine less.
 */
export async function connectWorkerTemporal(address: string, namespace: string) {
  const connection = await connectNative(address);
  return { connection, client: new Client({ connection, namespace }) };
}

/** The one place a worker connects to Temporal (TEMPORAL_ADDRESS). */
const connectNative = (address: string) => NativeConnection.connect({ address });

/**
 * Runs the worker on its own connection (closed when it stops) or on the one given (the caller closes it);
 * stop() drains the worker.
 */
export async function runRefundDeskWorker(
  setup: Omit<WorkerSetup, 'connection'> & ({ address: string } | { connection: NativeConnection }),
): Promise<RunningWorker> {
  const owned = 'address' in setup ? await connectNative(setup.address) : undefined;
  const connection = owned ?? (setup as { connection: NativeConnection }).connection;
  const worker = await createRefundDeskWorker({ ...setup, connection });
  const done = worker.run().finally(() => owned?.close());
  return {
    done,
    async stop() {
      // Tolerates a worker that is already draining (e.g. after a signal), so the caller can still free the pool.
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await done;
    },
  };
}
