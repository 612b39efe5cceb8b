/**
 * The real dev stack `npm run bench` measures: PostgreSQL, the Temporal dev server (file-backed, with the
 * dev stack's SQLite pragmas) and a mail sink, started as `npm run dev` starts them (scripts/lib/*), in
 * .data/bench-<pid>/ — or DATABASE_URL / TEMPORAL_ADDRESS / SMTP_HOST when set. The API and the workers
 * run as separate processes (bench/lib/desk-processes.ts), so each one's CPU can be read from /proc.
 *
 * BENCH_PG_STATS=1 starts PostgreSQL with pg_stat_statements, and P1 logs its costliest statements per claim.
 *
 * Ports: PG_PORT, TEMPORAL_PORT, TEMPORAL_UI_PORT, SMTP_PORT, MAIL_UI_PORT when set, free ports otherwise.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { createDb, type Db } from '../../db';
import { migrate } from '../../db/migrate';
import { startMailSink, type MailSink } from '../../mail/sink';

export interface InfraStack {
  databaseUrl: string;
  temporalAddress: string;
  smtp: { host: string; port: number };
  /** The bench's own pool (seeding, counting). */
  db: Db;
  /** Whether PostgreSQL runs with pg_stat_statements (BENCH_PG_STATS=1), for a part to rank its statements. */
  pgStats: boolean;
  /** The processes whose CPU a part reports, when this run started them. */
  pids: { postgres?: number; temporal?: number };
  sink?: MailSink;
  where: string;
  stop(): Promise<void>;
}

export interface InfraOptions {
  /** Started fresh in this folder unless DATABASE_URL / TEMPORAL_ADDRESS are set. */
  dataDir: string;
  /** SQLite pragmas of the dev server (default: the dev stack's); [] for SQLite's own defaults. */
  sqlitePragmas?: string[];
  /** Keep the folder afterwards. */
  keep?: boolean;
  log(message: string): void;
}

const portEnv = async (name: string): Promise<number> => {
  const raw = process.env[name];
  if (raw) return Number(raw);
  const { freePort } = await import('../../scripts/lib/proc.mjs');
  return freePort();
};

function postmasterPid(dataDir: string): number | undefined {
  try {
    return Number.parseInt(readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]!, 10);
  } catch {
    return undefined;
  }
}

/** Statement statistics for a profiling run; planning time too, since a cheap statement may plan for longer than it runs. */
const PG_STATS_SETTINGS = {
  shared_preload_libraries: 'pg_stat_statements',
  'pg_stat_statements.track': 'all',
  'pg_stat_statements.track_planning': 'on',
};

export async function startInfra(options: InfraOptions): Promise<InfraStack> {
  const { dataDir, log } = options;
  // Only on a server this run starts: preloading a library needs a restart.
  const pgStats = process.env.BENCH_PG_STATS === '1' && !process.env.DATABASE_URL;
  const { startPostgres, withDatabase, createDatabaseIfMissing } = await import('../../scripts/lib/postgres.mjs');
  const { startTemporalDevServer, sqlitePragmasFromEnv } = await import('../../scripts/lib/temporal.mjs');
  const stops: (() => Promise<void>)[] = [];
  const stop = async () => {
    for (const s of stops.reverse()) await s().catch((err: Error) => log(`[bench] stop failed: ${err.message}`));
  };
  try {
    let databaseUrl: string;
    let pgPid: number | undefined;
    if (process.env.DATABASE_URL) {
      // A database of its own on that server, so the bench never writes into yours.
      const name = `refund_desk_bench_${randomBytes(4).toString('hex')}`;
      const adminUrl = withDatabase(process.env.DATABASE_URL, 'postgres');
      await createDatabaseIfMissing(adminUrl, name);
      databaseUrl = withDatabase(process.env.DATABASE_URL, name);
      const { dropDatabase } = await import('../../scripts/lib/postgres.mjs');
      stops.push(() => (options.keep ? Promise.resolve() : dropDatabase(adminUrl, name)));
    } else {
      const pgDir = path.join(dataDir, 'pg');
      const pg = await startPostgres({
        dataDir: pgDir,
        port: await portEnv('PG_PORT'),
        useEnv: false,
        settings: pgStats ? PG_STATS_SETTINGS : {},
        log,
      });
      stops.push(() => pg.stop());
      databaseUrl = pg.url;
      pgPid = postmasterPid(pgDir);
    }
    const temporal = await startTemporalDevServer({
      dataDir: path.join(dataDir, 'temporal'),
      port: await portEnv('TEMPORAL_PORT'),
      uiPort: await portEnv('TEMPORAL_UI_PORT'),
      headless: true,
      sqlitePragmas: options.sqlitePragmas ?? sqlitePragmasFromEnv(),
      log,
    });
    stops.push(() => temporal.stop());
    let sink: MailSink | undefined;
    let smtp: InfraStack['smtp'];
    if (process.env.SMTP_HOST) {
      smtp = { host: process.env.SMTP_HOST, port: Number(process.env.SMTP_PORT ?? 25) };
    } else {
      sink = await startMailSink({ smtpPort: await portEnv('SMTP_PORT'), httpPort: await portEnv('MAIL_UI_PORT') });
      stops.push(() => sink!.stop());
      smtp = { host: sink.host, port: sink.smtpPort };
    }
    const db = createDb(databaseUrl, 8);
    db.on('error', () => {});
    stops.push(() => db.end());
    await migrate(db);
    if (!options.keep) stops.unshift(async () => rmSync(dataDir, { recursive: true, force: true }));
    return {
      databaseUrl,
      temporalAddress: temporal.address,
      smtp,
      db,
      pgStats,
      pids: { postgres: pgPid, temporal: temporal.pid },
      sink,
      where:
        `${process.env.DATABASE_URL ? 'DATABASE_URL' : 'embedded PostgreSQL'}, ` +
        `Temporal ${temporal.external ? `at TEMPORAL_ADDRESS ${temporal.address}` : `dev server (SQLite file, pragmas: ${(options.sqlitePragmas ?? sqlitePragmasFromEnv()).join(', ') || 'none'})`}`,
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
