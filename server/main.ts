import type { Server } from 'node:http';
import { NativeConnection } from '@temporalio/worker';
import { manualPayoutGateway } from '../activities/payments';
import { createSmtpMailer } from '../activities/mailer';
import { createDb } from '../db';
import { migrate } from '../db/migrate';
import { PolicyStore } from '../db/policies';
import { createDeskMetrics } from '../metrics/desk-metrics';
import { CREDIT_EXPIRY_SCHEDULE_ID } from '../domain/credits';
import { ensureCreditExpirySchedule } from './credit-expiry-schedule';
import { createRefundDeskWorker } from '../worker/create-worker';
import { createApp } from './app';
import { hashKey } from './auth';
import type { AppConfig } from './config';
import { seedDemoData } from './demo-data';
import { startPendingClaims, type IntakeDeps } from './intake';
import { claimIntakePort, mailSettings, startMailChannel } from './mail-channel';
import { createLogger } from './logger';
import { connectTemporal } from './temporal';
import { installTemporalLogging } from './temporal-logging';

export interface RunningDesk {
  apiUrl: string;
  /** The inbound SMTP listener's port, or null when it is off. */
  inboundSmtpPort: number | null;
  close(): Promise<void>;
}

/** Migrates, starts the worker and the HTTP API in one process (the local product), and optionally seeds demo data. */
export async function startRefundDesk(config: AppConfig, options: { seedDemo?: boolean; runWorker?: boolean } = {}): Promise<RunningDesk> {
  const logger = createLogger(config.logLevel);
  installTemporalLogging(logger, { ownSignals: true });
  const db = createDb(config.databaseUrl);
  await migrate(db);
  const policies = await PolicyStore.open(db, config.policiesDir);
  for (const k of config.bootstrapStaffKeys) {
    await db.query(
      `INSERT INTO staff_keys (key_hash, name, role) VALUES ($1, $2, $3) ON CONFLICT (key_hash) DO UPDATE SET name = $2, role = $3`,
      [hashKey(k.key), k.name, k.role],
    );
  }
  if (options.seedDemo) await seedDemoData(db, new Set(policies.list().map((p) => p.id)));

  const metrics = createDeskMetrics();
  const temporal = await connectTemporal(config.temporal.address, config.temporal.namespace);
  const intake: IntakeDeps = { db, policies, temporal, taskQueue: config.temporal.taskQueue, claimTokenSecret: config.claimTokenSecret };
  let workerRun: Promise<void> | undefined;
  let stopWorker = () => {};
  let workerConnection: NativeConnection | undefined;
  if (options.runWorker ?? true) {
    workerConnection = await NativeConnection.connect({ address: config.temporal.address });
    const worker = await createRefundDeskWorker({
      connection: workerConnection,
      namespace: config.temporal.namespace,
      taskQueue: config.temporal.taskQueue,
      metrics,
      deps: {
        db, policies, mailer: createSmtpMailer(config.smtp), payments: manualPayoutGateway, staffMailboxes: config.staffMailboxes,
        mail: mailSettings(config.inboundMail, config.claimTokenSecret), claimIntake: claimIntakePort(intake),
      },
    });
    workerRun = worker.run();
    // Tolerates a worker that is already draining (e.g. after a signal), so close() still frees the pool.
    stopWorker = () => {
      if (worker.getState() === 'RUNNING') worker.shutdown();
    };
  }

  try {
    await ensureCreditExpirySchedule(temporal, { taskQueue: config.temporal.taskQueue });
  } catch (err) {
    logger.error({ err, scheduleId: CREDIT_EXPIRY_SCHEDULE_ID }, 'could not create or update the credit expiry schedule; credits will not expire until it exists');
  }

  const resumed = await startPendingClaims(intake);
  if (resumed) logger.info({ resumed }, 'started workflows for claims stored while Temporal was away');

  const app = createApp({ ...intake, logger, metrics });
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(config.port, () => resolve(s));
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const apiUrl = `http://127.0.0.1:${port}`;
  logger.info({ apiUrl }, 'refund desk listening');
  const inbound = await startMailChannel({ db, policies, temporal, taskQueue: config.temporal.taskQueue, logger, config: config.inboundMail });

  return {
    apiUrl,
    inboundSmtpPort: inbound?.port ?? null,
    async close() {
      await inbound?.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      stopWorker();
      await workerRun?.catch((err: unknown) => logger.warn({ err }, 'worker stopped with an error'));
      await workerConnection?.close();
      await temporal.connection.close();
      await db.end();
    },
  };
}
