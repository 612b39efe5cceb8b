import { settleHandovers, startChargebackSweep } from '../server/chargeback-intake';
import { createDeskMetrics } from '../metrics/desk-metrics';
import { seedDemoData } from '../server/demo-data';
import { seedDemoDispute } from '../server/demo-dispute';
import { claimStartNotifier } from '../server/claim-dispatcher';
import type { IntakeDeps } from '../server/intake';
import { claimIntakePort, startMailChannel } from '../server/mail-channel';
import { startApi } from '../server/start-api';
import { connectTemporal } from '../server/temporal';
import { connectWorkerTemporal, runRefundDeskWorker, type RunningWorker } from '../worker/create-worker';
import { startDeadlineSweep, type DeadlineSweep } from '../worker/deadline-sweep';
import type { AppConfig } from './config';
import { wireRefundDesk } from './wire';
import { startDispatcherBesideWorker } from './dispatcher';

export interface RunningDesk {
  apiUrl: string;
  /** The inbound SMTP listener's port, or null when it is off. */
  inboundSmtpPort: number | null;
  close(): Promise<void>;
}

/**
 * The API and, unless `runWorker` is false, the worker in one process (the local product and the
 * integration tests), both from one wiring; optionally seeds the demo data. The claim outbox's dispatcher runs with
 * the worker (off with `dispatchClaims: false`, for tests of a crash between a claim's commit and its workflow's
 * start); an API process without a worker wakes the worker process's dispatcher by NOTIFY after each commit.
 */
export async function startRefundDesk(
  config: AppConfig,
  options: { seedDemo?: boolean; runWorker?: boolean; dispatchClaims?: boolean } = {},
): Promise<RunningDesk> {
  const wiring = await wireRefundDesk(config, { ownSignals: true });
  const { db, policies, logger } = wiring;
  // One registry for the API and an in-process worker, so its activity failures show on the API's /metrics.
  const metrics = createDeskMetrics();
  if (options.seedDemo) await seedDemoData(db, new Set(policies.list().map((p) => p.id)));

  const temporal = await connectTemporal(config.temporal.address, config.temporal.namespace);
  // The claim dispatcher runs beside the worker, on its connection (eager starts); an API process alone wakes the
  // worker process's by NOTIFY.
  const runWorker = options.runWorker ?? true;
  const workerTemporal = runWorker
    ? await connectWorkerTemporal(config.temporal.address, config.temporal.namespace)
    : undefined;
  const dispatcher =
    workerTemporal && (options.dispatchClaims ?? true)
      ? await startDispatcherBesideWorker({ db, logger, config }, workerTemporal.client, metrics)
      : undefined;
  const onClaimCommitted = runWorker ? dispatcher?.nudge : claimStartNotifier(db, logger);
  const intake: IntakeDeps = {
    db,
    policies,
    temporal,
    taskQueue: config.temporal.taskQueue,
    claimTokenSecret: config.claimTokenSecret,
    logger,
    onClaimCommitted,
  };
  let worker: RunningWorker | undefined;
  let deadlineSweep: DeadlineSweep | undefined;
  if (workerTemporal) {
    const deps = { ...wiring.activityDeps, claimIntake: claimIntakePort(intake, config.security.rateLimits) };
    worker = await runRefundDeskWorker({
      connection: workerTemporal.connection,
      namespace: config.temporal.namespace,
      taskQueue: config.temporal.taskQueue,
      deps,
      metrics,
    });
    deadlineSweep = startDeadlineSweep({
      activityDeps: deps,
      logger,
      settings: { intervalMs: config.deadlineSweepMs },
    });
  }
  const api = await startApi({
    db,
    policies,
    temporal,
    logger,
    metrics,
    port: config.port,
    onClaimCommitted,
    taskQueue: config.temporal.taskQueue,
    claimTokenSecret: config.claimTokenSecret,
    security: config.security,
    staffKeys: config.bootstrapStaffKeys,
    chargebacks: config.chargebacks,
    actionAnswerWaitMs: config.chargebacks.actionAnswerWaitMs,
  });
  const chargebackIntake = { db, temporal, taskQueue: config.temporal.taskQueue, logger };
  const stopSweep = startChargebackSweep(chargebackIntake, config.chargebacks.sweepIntervalMs);
  if (options.seedDemo) await seedDemoDispute(chargebackIntake, policies);

  const inbound = await startMailChannel({
    db,
    policies,
    temporal,
    taskQueue: config.temporal.taskQueue,
    logger,
    config: config.inboundMail,
  });

  return {
    apiUrl: api.url,
    inboundSmtpPort: inbound?.port ?? null,
    async close() {
      await stopSweep();
      await inbound?.close();
      await api.close();
      // Requests answered before the API closed may have left hand-overs running on the Temporal connection.
      await settleHandovers();
      await worker?.stop().catch((err: unknown) => logger.warn({ err }, 'worker stopped with an error'));
      await deadlineSweep?.stop();
      // Starts not made yet stay in the outbox for the next dispatcher.
      await dispatcher?.stop();
      await workerTemporal?.connection.close();
      await temporal.connection.close();
      await wiring.close();
    },
  };
}
