import { DefaultLogger, makeTelemetryFilterString, Runtime, type LogLevel } from '@temporalio/worker';
import type { Logger } from './logger';

const PINO_LEVEL: Record<LogLevel, 'trace' | 'debug' | 'info' | 'warn' | 'error'> = {
  TRACE: 'trace',
  DEBUG: 'debug',
  INFO: 'info',
  WARN: 'warn',
  ERROR: 'error',
};

/**
 * Routes the Temporal SDK's and Core's logs through our pino logger, once per process.
 * With `ownSignals`, the caller's close() owns shutdown and the SDK must not start draining on SIGINT itself.
 */
export function installTemporalLogging(logger: Logger, { ownSignals = false } = {}): void {
  if (Runtime._instance) return;
  const child = logger.child({ component: 'temporal' });
  Runtime.install({
    ...(ownSignals && { shutdownSignals: [] }),
    logger: new DefaultLogger('WARN', (entry) => child[PINO_LEVEL[entry.level]](entry.meta ?? {}, entry.message)),
    telemetryOptions: { logging: { filter: makeTelemetryFilterString({ core: 'WARN' }), forward: {} } },
  });
}
