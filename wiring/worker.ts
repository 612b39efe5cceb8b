import { createWorkerMetrics } from '../metrics/desk-metrics';
import { serveMetrics } from '../metrics/endpoint';
import { claimIntakePort } from '../server/mail-channel';
import { connectTemporal } from '../server/temporal';
import { runRefundDeskWorker } from '../worker/create-worker';
import { loadConfig } from './config';
import { wireRefundDesk } from './wire';

/** Production entry for the worker process. The SDK shuts it down gracefully on SIGINT/SIGTERM. */
async function main() {
  const { config, db, policies, activityDeps, close } = await wireRefundDesk(loadConfig());
  // Mail claims and replies go through the API's own intake and reply paths, which start and update workflows.
  const temporal = await connectTemporal(config.temporal.address, config.temporal.namespace);
  const intake = {
    db,
    policies,
    temporal,
    taskQueue: config.temporal.taskQueue,
    claimTokenSecret: config.claimTokenSecret,
  };
  // The worker's own /metrics: process figures and activity failures.
  const metrics = createWorkerMetrics();
  const metricsEndpoint = await serveMetrics(metrics, config.workerMetricsPort);
  const worker = await runRefundDeskWorker({
    address: config.temporal.address,
    namespace: config.temporal.namespace,
    taskQueue: config.temporal.taskQueue,
    deps: { ...activityDeps, claimIntake: claimIntakePort(intake) },
    metrics,
  });
  await worker.done;
  await metricsEndpoint.close();
  await temporal.connection.close();
  await close();
}

void main().catch((err) => {
  console.error(err);
  process.exit(1);
});
