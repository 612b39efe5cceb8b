/**
 * E, the engine configured for its job (issue #11 §3): the same bare 10-activity workflows on three fresh
 * Temporal dev servers in one run — a SQLite file with SQLite's defaults (rollback journal, full sync), the
 * file with the dev stack's pragmas (WAL, synchronous=normal), and no file at all (in memory).
 */
import { rmSync } from 'node:fs';
import path from 'node:path';
import { BARE_ACTIVITIES } from './claim-throughput';
import { driveBareWorkflows } from './lib/bare-driver';
import { startWorkerProcess } from './lib/desk-processes';
import type { BenchFigure } from './lib/suite';

const round = (n: number) => Number(n.toFixed(2));

async function bareRateOn(
  server: { dataDir?: string; sqlitePragmas: string[] },
  count: number,
  inFlight: number,
  log: (m: string) => void,
): Promise<number> {
  const { startTemporalDevServer } = await import('../scripts/lib/temporal.mjs');
  const { freePort } = await import('../scripts/lib/proc.mjs');
  const temporal = await startTemporalDevServer({
    dataDir: server.dataDir,
    port: await freePort(),
    headless: true,
    useEnv: false,
    sqlitePragmas: server.sqlitePragmas,
    log,
  });
  try {
    const taskQueue = `bench-engine-${process.pid}`;
    const infra = { databaseUrl: 'unused', temporalAddress: temporal.address, smtp: { host: '127.0.0.1', port: 0 } };
    const worker = await startWorkerProcess({ infra, taskQueue, log }, 'bench/lib/bare-worker.ts', 'bare');
    try {
      const run = await driveBareWorkflows({
        temporalAddress: temporal.address,
        taskQueue,
        count,
        inFlight,
        activities: BARE_ACTIVITIES,
        idPrefix: `engine-${process.pid}`,
      });
      return (run.completed / run.elapsedMs) * 1000;
    } finally {
      await worker.stop();
    }
  } finally {
    await temporal.stop();
  }
}

export async function measureEnginePragmas(options: {
  quick: boolean;
  /** Bare workflows per server (default 300; 30 quick). */
  workflows?: number;
  dataDir: string;
  log(message: string): void;
}): Promise<BenchFigure[]> {
  const count = options.workflows ?? (options.quick ? 30 : 300);
  const inFlight = 20;
  const { SQLITE_PRAGMAS } = await import('../scripts/lib/temporal.mjs');
  try {
    const plain = await bareRateOn(
      { dataDir: path.join(options.dataDir, 'plain'), sqlitePragmas: [] },
      count,
      inFlight,
      options.log,
    );
    options.log(`[E] SQLite defaults: ${plain.toFixed(2)} bare workflows/s`);
    const tuned = await bareRateOn(
      { dataDir: path.join(options.dataDir, 'wal'), sqlitePragmas: [...SQLITE_PRAGMAS] },
      count,
      inFlight,
      options.log,
    );
    options.log(`[E] ${SQLITE_PRAGMAS.join(', ')}: ${tuned.toFixed(2)} bare workflows/s`);
    const memory = await bareRateOn({ sqlitePragmas: [] }, count, inFlight, options.log);
    options.log(`[E] in memory: ${memory.toFixed(2)} bare workflows/s`);
    const baseline = {
      name: 'same, SQLite defaults (rollback journal, full sync)',
      value: round(plain),
      unit: 'workflows/s',
    };
    return [
      {
        part: 'E',
        name: `bare ${BARE_ACTIVITIES}-activity workflows/s, dev server file with ${SQLITE_PRAGMAS.join(', ')}, ${count} workflows`,
        value: round(tuned),
        unit: 'workflows/s',
        baseline,
        ratio: round(tuned / plain),
      },
      {
        part: 'E',
        name: `bare ${BARE_ACTIVITIES}-activity workflows/s, dev server in memory (no file), ${count} workflows`,
        value: round(memory),
        unit: 'workflows/s',
        baseline,
        ratio: round(memory / plain),
      },
    ];
  } finally {
    rmSync(options.dataDir, { recursive: true, force: true });
  }
}
