/**
 * A throwaway, migrated database for a benchmark.
 *
 * With DATABASE_URL set: a new database `<prefix>_<random>` on that server (your own database is
 * never written to), dropped at the end unless `keep`. Otherwise: an embedded PostgreSQL
 * (scripts/lib/postgres.mjs) in .data/<prefix>-<pid> on a free port, with fsync off, stopped and
 * deleted at the end (kept with `keep`).
 */
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { createDb, type Db } from '../../db';
import { migrate } from '../../db/migrate';
import { serverSetting } from '../../db/synthetic-ledger';

export interface BenchDatabase {
  db: Db;
  url: string;
  /** Where it runs, for the report. */
  where: string;
  close(): Promise<void>;
}

const repoRoot = path.resolve(__dirname, '../..');

export interface BenchDatabaseOptions {
  /** Keep the database (or embedded cluster) afterwards. */
  keep?: boolean;
  poolSize?: number;
  log?: (message: string) => void;
}

export async function benchDatabase(prefix: string, options: BenchDatabaseOptions = {}): Promise<BenchDatabase> {
  const { keep = false, poolSize = 4 } = options;
  const log = options.log ?? ((m: string) => void process.stderr.write(`${m}\n`));
  const pgLib = await import('../../scripts/lib/postgres.mjs');
  let url: string;
  let where: string;
  let release: () => Promise<void>;

  if (process.env.DATABASE_URL) {
    const name = `${prefix}_${randomBytes(4).toString('hex')}`;
    const adminUrl = pgLib.withDatabase(process.env.DATABASE_URL, 'postgres');
    await pgLib.createDatabaseIfMissing(adminUrl, name);
    url = pgLib.withDatabase(process.env.DATABASE_URL, name);
    where = `database ${name} on the DATABASE_URL server`;
    release = async () => {
      if (keep) log(`[bench] kept database ${name}`);
      else await pgLib.dropDatabase(adminUrl, name);
    };
  } else {
    const { freePort } = await import('../../scripts/lib/proc.mjs');
    const runDir = path.join(repoRoot, '.data', `${prefix}-${process.pid}`);
    const pg = await pgLib.startPostgres({
      dataDir: path.join(runDir, 'pg'),
      port: await freePort(),
      database: prefix,
      fast: true,
      useEnv: false,
      log,
    });
    url = pg.url;
    where = `embedded PostgreSQL (fsync off) on port ${pg.port}`;
    release = async () => {
      await pg.stop();
      if (keep) log(`[bench] kept the cluster in ${runDir}`);
      else rmSync(runDir, { recursive: true, force: true });
    };
  }

  const db = createDb(url, poolSize);
  db.on('error', () => {});
  await migrate(db);
  where += `, PostgreSQL ${await serverSetting(db, 'server_version')}`;
  let closed = false;
  return {
    db,
    url,
    where,
    async close() {
      if (closed) return;
      closed = true;
      await db.end().catch(() => {});
      await release();
    },
  };
}

export const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;
export const int = (n: number): string => n.toLocaleString('en-US');

export function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[i]!;
}
