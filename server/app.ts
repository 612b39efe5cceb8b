import type { Client } from '@temporalio/client';
import express, { type Express } from 'express';
import { jsonBodies, requestIds } from './body-limits';
import type { Db } from '../db';
import type { PolicyStore } from '../db/policies';
import { createDeskMetrics, type DeskMetrics } from '../metrics/desk-metrics';
import { measureHttpDuration } from '../metrics/http-duration';
import { CONSOLE_PATH, consoleRouter } from './console';
import { errorHandler, HttpError } from './errors';
import type { Logger } from 'pino';
import { accountRoutes } from './routes/accounts';
import { attentionRoutes } from './routes/attention';
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
import { claimTokenRoutes } from './routes/claim-tokens';
import { claimsPerClient } from './rate-limits';
import { noStore, requireMetricsKey, securityHeaders, type ApiSecurity } from './security';

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
  /** Token rotation and lifetime, session secret, /metrics key, intake rate limits; tests may leave it out. */
  security?: ApiSecurity;
  /** Wakes the claim outbox's dispatcher in this process after a claim commits. */
  onClaimCommitted?: () => void;
  /** How long a chargeback action's answer waits for the workflow (default ACTION_ANSWER_WAIT_MS). */
  actionAnswerWaitMs?: number;
}

export function createApp(deps: AppDeps): Express {
  const app = express();
  const metrics = deps.metrics ?? createDeskMetrics();
  app.disable('x-powered-by');
  app.use(measureHttpDuration(metrics));
  // --- Inputs (#12 §3): a request id first, so every answer below carries it. ---
  app.use(requestIds);
  // --- Security (API8, API4): headers, no-store, the /metrics key, and the per-client intake limit before parsing.
  if (deps.security?.trustProxy) app.set('trust proxy', deps.security.trustProxy);
  app.use(securityHeaders());
  app.use(noStore());
  app.use('/metrics', requireMetricsKey(deps.security?.metricsKey ?? null));
  if (deps.security) app.post('/v1/claims', claimsPerClient(deps.db, deps.security.rateLimits));
  // --- end security
  // --- Inputs (#12 §3): bodies read within each route's limit (server/body-limits.ts). ---
  // Before the JSON parser: Stripe signs the raw bytes.
  app.use(stripeWebhookRoutes(deps, deps.chargebacks ?? { stripeWebhookSecrets: [], stripeToleranceSeconds: 300 }));
  app.use(jsonBodies(deps.db));
  // --- end of inputs ---
  app.use((req, res, next) => {
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      const requestId = res.locals.requestId as string;
      deps.logger.info({ method: req.method, path: req.path, status: res.statusCode, ms, requestId }, 'http');
    });
    next();
  });
  // The busiest routes first, so a claim passes the fewest layers; no router below serves a /v1/claims path.
  app.use(claimRoutes(deps));
  app.use(systemRoutes(deps.db, deps.temporal, metrics, deps.logger));
  app.use(policyRoutes(deps.db, deps.policies));
  app.use(ledgerRoutes(deps.db, deps.policies));
  app.use(creditRoutes(deps.db, deps.policies));
  app.use(claimTokenRoutes({ ...deps, claimTokens: deps.security?.claimTokens }));
  app.use(caseRoutes(deps.db, deps.temporal, deps.policies));
  app.use(attentionRoutes(deps.db, deps.temporal));
  app.use(chargebackRoutes(deps));
  app.use(accountRoutes(deps.db));
  app.use(mailQueueRoutes(deps.db));
  app.use(statusPageRoutes(deps.db, deps.policies, deps.security?.claimTokens ?? deps.claimTokenSecret));
  // The support console: HTML pages for people, kept out of the JSON API's document on purpose.
  app.use(CONSOLE_PATH, consoleRouter(deps));
  app.use((req) => {
    throw new HttpError(404, `no route ${req.method} ${req.path}`);
  });
  app.use(errorHandler(deps.logger));
  return app;
}
