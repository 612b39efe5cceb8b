import type { Client } from '@temporalio/client';
import express, { type Express } from 'express';
import type { Db } from '../db';
import type { PolicyStore } from '../db/policies';
import { createDeskMetrics, type DeskMetrics } from '../metrics/desk-metrics';
import { measureHttpDuration } from '../metrics/http-duration';
import { CONSOLE_PATH, consoleRouter } from './console';
import { errorHandler, HttpError } from './errors';
import type { Logger } from 'pino';
import { caseRoutes } from './routes/cases';
import { claimRoutes } from './routes/claims';
import { creditRoutes } from './routes/credits';
import { ledgerRoutes } from './routes/ledger';
import { mailQueueRoutes } from './routes/mail-queue';
import { policyRoutes } from './routes/policies';
import { statusPageRoutes } from './routes/status-page';
import { systemRoutes } from './routes/system';

export interface AppDeps {
  db: Db;
  temporal: Client;
  policies: PolicyStore;
  logger: Logger;
  taskQueue: string;
  claimTokenSecret: string;
  /** Shared with an in-process worker, so its activity failures show on this /metrics too; default: the API's own. */
  metrics?: DeskMetrics;
}

export function createApp(deps: AppDeps): Express {
  const app = express();
  const metrics = deps.metrics ?? createDeskMetrics();
  app.disable('x-powered-by');
  app.use(measureHttpDuration(metrics));
  app.use(express.json({ limit: '25mb' }));
  app.use((req, res, next) => {
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      deps.logger.info({ method: req.method, path: req.path, status: res.statusCode, ms }, 'http');
    });
    next();
  });
  app.use(systemRoutes(deps.db, deps.temporal, metrics));
  app.use(policyRoutes(deps.db, deps.policies));
  app.use(ledgerRoutes(deps.db, deps.policies));
  app.use(creditRoutes(deps.db, deps.policies));
  app.use(claimRoutes(deps));
  app.use(caseRoutes(deps.db, deps.temporal, deps.policies));
  app.use(mailQueueRoutes(deps.db));
  app.use(statusPageRoutes(deps.db, deps.policies, deps.claimTokenSecret));
  // The support console: HTML pages for people, kept out of the JSON API's document on purpose.
  app.use(CONSOLE_PATH, consoleRouter(deps));
  app.use((req) => {
    throw new HttpError(404, `no route ${req.method} ${req.path}`);
  });
  app.use(errorHandler(deps.logger));
  return app;
}
