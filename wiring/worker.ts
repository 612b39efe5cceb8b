import type { ActivityDeps } from '../activities/deps';
import { createWorkerMetrics } from '../metrics/desk-metrics';
import { serveMetrics } from '../metrics/endpoint';
import { claimIntakePort } from '../server/mail-channel';
import { connectWorkerTemporal, runRefundDeskWorker } from '../worker/create-worker';
import { startDeadlineSweep } from '../worker/deadline-sweep';
import { loadConfig } from './config';
import { startDispatcherBesideWorker } from './dispatcher';
import { wireRefundDesk } from './wire';

/**
 * The worker process: activities, the claim dispatcher, the deadline sweep and /metrics. The SDK shuts it down gracefully on
 * SIGINT/SIGTERM. `overrides` replace activity dependencies (the timers benchmark swaps the deadline planner).
 */
export async function runWorkerProcess(overrides: Partial<ActivityDeps> = {}): Promise<void> {
  const { config, db, policies, logger, activityDeps, close } = await wireRefundDesk(loadConfig());
  // Mail claims and replies go through the API's own intake and reply paths, which start and update workflows.
  const { connection, client: temporal } = await connectWorkerTemporal(
    config.temporal.address,
    config.temporal.namespace,
  );
  // The worker's own /metrics: process figures, activity failures and claim starts.
  const metrics = createWorkerMetrics();
  // The claim dispatcher: woken in-process by mail claims, by NOTIFY from the API process, and by its sweep.
  const dispatcher = await startDispatcherBesideWorker({ db, logger, config }, temporal, metrics);
  const intake = {
    db,
    policies,
    temporal,
    taskQueue: config.temporal.taskQueue,
    claimTokenSecret: config.claimTokenSecret,
    logger,
    onClaimCommitted: dispatcher.nudge,
  };
  const metricsEndpoint = await serveMetrics(metrics, config.workerMetricsPort, config.security.metricsKey);
  const deps = { ...activityDeps, claimIntake: claimIntakePort(intake, config.security.rateLimits), ...overrides };
  const worker = await runRefundDeskWorker({
    connection,
    namespace: config.temporal.namespace,
    taskQueue: config.temporal.taskQueue,
    deps,
    metrics,
  });
  // Review and payout deadlines fire here within a second, in batches; each claim's own timer is the backstop.
  const sweep = startDeadlineSweep({ activityDeps: deps, logger, settings: { intervalMs: config.deadlineSweepMs } });
  await worker.done;
  await sweep.stop();
  await dispatcher.stop();
  await metricsEndpoint.close();
  await connection.close();
  await close();
}

if (require.main === module) {
  void runWorkerProcess().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
