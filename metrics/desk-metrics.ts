import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';
import type { Queryable } from '../db';
import { ClaimFigureMetrics } from './claim-figures';

/**
 * The Prometheus metrics of one process. The API process serves all of them on GET /metrics; a
 * separate worker process serves its own (process metrics and activity failures) on WORKER_METRICS_PORT.
 */
export interface DeskMetrics {
  registry: Registry;
  /** HTTP request duration by method, express route pattern and status. */
  httpDuration: Histogram<'method' | 'route' | 'status'>;
  /** Failed activity attempts in this process's worker, by activity and error type. */
  activityFailures: Counter<'activity' | 'error_type'>;
  /** The exposition text; business figures are read from the database first when a database is given. */
  scrape(db?: Queryable): Promise<string>;
}

/** A registry of its own per desk, so several desks in one process (tests) never collide. */
export function createDeskMetrics(): DeskMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const httpDuration = new Histogram({
    name: 'refund_desk_http_request_duration_seconds',
    help: 'HTTP request duration by method, express route pattern and status code',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const activityFailures = new Counter({
    name: 'refund_desk_activity_failures_total',
    help: 'Failed activity attempts (each retry counts), by activity and error type',
    labelNames: ['activity', 'error_type'] as const,
    registers: [registry],
  });
  const figures = new ClaimFigureMetrics(registry);
  return {
    registry,
    httpDuration,
    activityFailures,
    async scrape(db) {
      if (db) await figures.refresh(db);
      return registry.metrics();
    },
  };
}
