import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';
import type { Queryable } from '../db';
import { ClaimFigureMetrics } from './claim-figures';

/** What a worker process exposes on WORKER_METRICS_PORT: process metrics and its activity failures. */
export interface WorkerMetrics {
  registry: Registry;
  /** Failed activity attempts in this process's worker, by activity and error type. */
  activityFailures: Counter<'activity' | 'error_type'>;
  /** Claim workflows this process's dispatcher started, by whether the first workflow task came straight back. */
  claimStarts: Counter<'eager'>;
  /** The exposition text. */
  scrape(): Promise<string>;
}

/**
 * What the API process exposes on GET /metrics: the worker's metrics (a worker may run in the same
 * process, as under `npm run dev`), HTTP durations, and the claim figures read from PostgreSQL.
 */
export interface DeskMetrics extends WorkerMetrics {
  /** HTTP request duration by method, express route pattern and status. */
  httpDuration: Histogram<'method' | 'route' | 'status'>;
  /** The exposition text; the claim figures are read from the database first when one is given. */
  scrape(db?: Queryable): Promise<string>;
}

/** A registry of its own per process part, so several desks in one process (tests) never collide. */
export function createWorkerMetrics(): WorkerMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const activityFailures = new Counter({
    name: 'refund_desk_activity_failures_total',
    help: 'Failed activity attempts (each retry counts), by activity and error type',
    labelNames: ['activity', 'error_type'] as const,
    registers: [registry],
  });
  const claimStarts = new Counter({
    name: 'refund_desk_claim_workflow_starts_total',
    help: 'Claim workflows started from the outbox; eager="true" when the server handed the first workflow task to this process',
    labelNames: ['eager'] as const,
    registers: [registry],
  });
  return { registry, activityFailures, claimStarts, scrape: () => registry.metrics() };
}

/** The API's metrics, including those of a worker running in the same process. */
export function createDeskMetrics(): DeskMetrics {
  const { registry, activityFailures, claimStarts } = createWorkerMetrics();
  const httpDuration = new Histogram({
    name: 'refund_desk_http_request_duration_seconds',
    help: 'HTTP request duration by method, express route pattern and status code',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const figures = new ClaimFigureMetrics(registry);
  return {
    registry,
    activityFailures,
    claimStarts,
    httpDuration,
    async scrape(db) {
      if (db) await figures.refresh(db);
      return registry.metrics();
    },
  };
}
