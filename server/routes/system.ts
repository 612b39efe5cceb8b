import type { Client } from '@temporalio/client';
import { Router } from 'express';
import { pingDatabase, type Db } from '../../db';
import type { DeskMetrics } from '../../metrics/desk-metrics';
import { openApiDocument } from '../openapi';

async function probe(check: () => Promise<unknown>): Promise<{ ok: boolean; error?: string }> {
  try {
    await check();
    return { ok: true };
  } catch (err) {
    return { ok: false, error: (err as Error).message };
  }
}

/** Health, metrics and the OpenAPI document. */
export function systemRoutes(db: Db, temporal: Client, metrics: DeskMetrics): Router {
  const router = Router();

  router.get('/healthz', async (_req, res) => {
    const [postgres, temporalServer] = await Promise.all([
      probe(() => pingDatabase(db)),
      probe(() => temporal.workflowService.getSystemInfo({})),
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
