import { rmSync } from 'node:fs';
import path from 'node:path';
import { startMailSink } from '../../mail/sink';
import { loadConfig } from '../../wiring/config';
import { startRefundDesk } from '../../wiring/desk';

export interface ThrowawayDesk {
  apiUrl: string;
  stop(): Promise<void>;
}

/**
 * The whole product on a stack of its own, like the test suite's: an embedded PostgreSQL in `runDir`, an in-memory
 * Temporal dev server, a mail sink, and the API with its worker, seeded with the demo data; `adminKey` is an admin.
 * stop() stops everything and removes `runDir`. Used by `npm run fuzz:api` and scripts/measure-body-flood.ts.
 */
export async function startThrowawayDesk(options: {
  runDir: string;
  adminKey: string;
  log: (line: string) => void;
}): Promise<ThrowawayDesk> {
  const { freePort } = await import('./proc.mjs');
  const { startPostgres } = await import('./postgres.mjs');
  const { startTemporalDevServer } = await import('./temporal.mjs');
  const { runDir, log } = options;
  const stops: (() => Promise<void>)[] = [];
  const stop = async () => {
    for (const s of stops.reverse()) await s().catch((err: Error) => log(`stopping: ${err.message}`));
    rmSync(runDir, { recursive: true, force: true });
  };
  try {
    const pg = await startPostgres({
      dataDir: path.join(runDir, 'pg'),
      port: await freePort(),
      fast: true,
      useEnv: false,
      log,
    });
    stops.push(() => pg.stop());
    const temporal = await startTemporalDevServer({ port: await freePort(), headless: true, useEnv: false, log });
    stops.push(() => temporal.stop());
    const sink = await startMailSink({ smtpPort: 0, httpPort: 0 });
    stops.push(() => sink.stop());
    const config = loadConfig({
      ...process.env,
      // Test mode: the development secrets and no intake rate limits, so the fuzzer reaches the routes' own logic.
      NODE_ENV: 'test',
      DATABASE_URL: pg.url,
      TEMPORAL_ADDRESS: temporal.address,
      TEMPORAL_NAMESPACE: temporal.namespace,
      SMTP_HOST: '127.0.0.1',
      SMTP_PORT: String(sink.smtpPort),
      PORT: '0',
      INBOUND_SMTP_PORT: '-1',
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'error',
      STAFF_API_KEYS: `admin:throwaway:${options.adminKey}`,
    });
    const desk = await startRefundDesk(config, { seedDemo: true });
    stops.push(() => desk.close());
    return { apiUrl: desk.apiUrl.replace(/\/+$/, ''), stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
