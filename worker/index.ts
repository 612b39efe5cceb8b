import { NativeConnection } from '@temporalio/worker';
import { createSmtpMailer } from '../activities/mailer';
import { manualPayoutGateway } from '../activities/payments';
import { createDb } from '../db';
import { migrate } from '../db/migrate';
import { PolicyStore } from '../db/policies';
import { createWorkerMetrics } from '../metrics/desk-metrics';
import { serveMetrics } from '../metrics/endpoint';
import { loadConfig } from '../server/config';
import { createLogger } from '../server/logger';
import { installTemporalLogging } from '../server/temporal-logging';
import { createRefundDeskWorker } from './create-worker';

/** Production entry for the worker process. The SDK shuts it down gracefully on SIGINT/SIGTERM. */
async function main() {
  const config = loadConfig();
  installTemporalLogging(createLogger(config.logLevel));
  const db = createDb(config.databaseUrl);
  await migrate(db);
  const policies = await PolicyStore.open(db, config.policiesDir);
  const metrics = createWorkerMetrics();
  const metricsEndpoint = await serveMetrics(metrics, config.workerMetricsPort);
  const connection = await NativeConnection.connect({ address: config.temporal.address });
  const worker = await createRefundDeskWorker({
    connection,
    namespace: config.temporal.namespace,
    taskQueue: config.temporal.taskQueue,
    metrics,
    deps: { db, policies, mailer: createSmtpMailer(config.smtp), payments: manualPayoutGateway, staffMailboxes: config.staffMailboxes },
  });
  await worker.run();
  await connection.close();
  await metricsEndpoint.close();
  await db.end();
}

void main().catch((err) => {
  console.error(err);
  process.exit(1);
});
