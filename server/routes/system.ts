import type { Client } from '@temporalio/client';
import { Router } from 'express';
import type { Logger } from 'pino';
import { pingDatabase, type Db } from '../../db';
import type { DeskMetrics } from '../../metrics/desk-metrics';
import { openApiDocument } from '../openapi';

/** A failed probe says which dependency, not its error text (which can name hosts, users or SQL): that is logged. */
async function probe(
  name: string,
  check: () => Promise<unknown>,
  logger?: Logger,
): Promise<{ ok: boolean; error?: string }> {
  try {
    await check();
    return { ok: true };
  } catch (err) {
    logger?.warn({ err, dependency: name }, 'health probe failed');
    return { ok: false, error: `${name} cannot be reached; the server log has the detail` };
  }
}

/** Health, metrics and the OpenAPI document. */
export function systemRoutes(db: Db, temporal: Client, metrics: DeskMetrics, logger?: Logger): Router {
  const router = Router();

  router.get('/healthz', async (_req, res) => {
    const [postgres, temporalServer] = await Promise.all([
      probe('PostgreSQL', () => pingDatabase(db), logger),
      probe('Temporal', () => temporal.workflowService.getSystemInfo({}), logger),
    ]);
    const ok = postgres.ok && temporalServer.ok;
    res.status(ok ? 200 : 503).json({ status: ok ? 'ok' : 'degraded', postgres, temporal: temporalServer });
  });

  router.get('/metrics', async (_req, res) => {
    res.type(metrics.registry.contentType).send(await metrics.scrape(db));
  });

  router.get('/openapi.json', (_req, res) => {
    res.json(openApiDocument());
  });

  return router;
}
