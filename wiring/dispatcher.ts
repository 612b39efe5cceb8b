import type { Client } from '@temporalio/client';
import type { Logger } from 'pino';
import type { Db } from '../db';
import type { WorkerMetrics } from '../metrics/desk-metrics';
import { startClaimDispatcher } from '../server/claim-dispatcher';
import type { AppConfig } from './config';

/** The claim dispatcher beside a worker: on the worker's own connection, asking for eager starts, counted on its /metrics. */
export function startDispatcherBesideWorker(
  { db, logger, config }: { db: Db; logger: Logger; config: AppConfig },
  temporal: Client,
  metrics: Pick<WorkerMetrics, 'claimStarts'>,
) {
  const taskQueue = config.temporal.taskQueue;
  return startClaimDispatcher({ db, temporal, taskQueue, logger, eagerStart: true, metrics });
}
