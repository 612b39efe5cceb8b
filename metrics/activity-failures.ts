import { ApplicationFailure } from '@temporalio/common';
import type { ActivityInterceptorsFactory } from '@temporalio/worker';
import type { WorkerMetrics } from './desk-metrics';

/** The error type operators see: a business refusal's type (e.g. PolicyViolation), else the error's class. */
function errorType(err: unknown): string {
  if (err instanceof ApplicationFailure) return err.type ?? 'ApplicationFailure';
  return err instanceof Error ? err.name : typeof err;
}

/** A worker interceptor that counts each failed activity attempt, then lets the error go on unchanged. */
export function countActivityFailures(metrics: Pick<WorkerMetrics, 'activityFailures'>): ActivityInterceptorsFactory {
  return (ctx) => ({
    inbound: {
      async execute(input, next) {
        try {
          return await next(input);
        } catch (err) {
          metrics.activityFailures.inc({ activity: ctx.info.activityType, error_type: errorType(err) });
          throw err;
        }
      },
    },
  });
}
