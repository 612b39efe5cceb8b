import { createWorkerMetrics } from '../metrics/desk-metrics';
import { serveMetrics } from '../metrics/endpoint';
import { runRefundDeskWorker } from '../worker/create-worker';
import { loadConfig } from './config';
import { wireRefundDesk } from './wire';

/** Production entry for the worker process. The SDK shuts it down gracefully on SIGINT/SIGTERM. */
async function main() {
  const { config, activityDeps, close } = await wireRefundDesk(loadConfig());
  // The worker's own /metrics: process figures and activity failures.
  const metrics = createWorkerMetrics();
  const metricsEndpoint = await serveMetrics(metrics, config.workerMetricsPort);
  const worker = await runRefundDeskWorker({
    address: config.temporal.address,
    namespace: config.temporal.namespace,
    taskQueue: config.temporal.taskQueue,
    deps: activityDeps,
    metrics,
  });
  await worker.done;
  await metricsEndpoint.close();
  await close();
}

void main().catch((err) => {
  console.error(err);
  process.exit(1);
});
