import type { Client } from '@temporalio/client';
import express, { type Express } from 'express';
import type { Db } from '../db';
import type { PolicyStore } from '../db/policies';
import { createDeskMetrics, type DeskMetrics } from '../metrics/desk-metrics';
import { measureHttpDuration } from '../metrics/http-duration';
import { CONSOLE_PATH, consoleRouter } from './console';
import { errorHandler, HttpError } from './errors';
import type { Logger } from 'pino';
import { accountRoutes } from './routes/accounts';
import { caseRoutes } from './routes/cases';
import { chargebackRoutes } from './routes/chargebacks';
import { claimRoutes } from './routes/claims';
import { creditRoutes } from './routes/credits';
import { ledgerRoutes } from './routes/ledger';
import { mailQueueRoutes } from './routes/mail-queue';
import { policyRoutes } from './routes/policies';
import { statusPageRoutes } from './routes/status-page';
import { systemRoutes } from './routes/system';
import { stripeWebhookRoutes, type StripeWebhookSettings } from './routes/webhooks';

export interface AppDeps {
  db: Db;
  temporal: Client;
  policies: PolicyStore;
  logger: Logger;
  taskQueue: string;
  claimTokenSecret: string;
  /** Shared with an in-process worker, so its activity failures show on this /metrics too; default: the API's own. */
  metrics?: DeskMetrics;
  /** Stripe endpoint secrets; without them every Stripe webhook is refused. */
  chargebacks?: StripeWebhookSettings;
}

export function createApp(deps: AppDeps): Express {
  const app = express();
  const metrics = deps.metrics ?? createDeskMetrics();
  app.disable('x-powered-by');
  app.use(measureHttpDuration(metrics));
  // Before the JSON parser: Stripe signs the raw bytes.
  app.use(stripeWebhookRoutes(deps, deps.chargebacks ?? { stripeWebhookSecrets: [], stripeToleranceSeconds: 300 }));
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
  app.use(chargebackRoutes(deps));
  app.use(accountRoutes(deps.db));
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
