// Jest globalSetup: ONE PostgreSQL and ONE Temporal dev server for the whole run.
//
// Exports to test files through process.env (workers inherit it):
//   DATABASE_URL               fresh database (embedded cluster in .data/test-<pid>/pg,
//                              or refund_desk_test_<random> on an existing DATABASE_URL server)
//   TEST_PG_ADMIN_URL          maintenance DB on the same server (see test/support/db.ts)
//   TEMPORAL_ADDRESS           in-memory `temporal server start-dev` on a random port
//                              (or the TEMPORAL_ADDRESS you set), namespace 'default',
//                              with the claim search attributes registered
//   TEMPORAL_NAMESPACE         'default'
//   TEMPORAL_TEST_SERVER_PATH  time-skipping test server binary; '' => SDK download fallback
//                              (see test/support/temporal-env.ts)
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { createDatabaseIfMissing, startPostgres, withDatabase } from '../../scripts/lib/postgres.mjs';
import { cmdlineOf, fmtMs, freePort, isAlive, repoRoot, terminate } from '../../scripts/lib/proc.mjs';
import { claimSearchAttributes, ensureSearchAttributes } from '../../scripts/lib/search-attributes.mjs';
import { startTemporalDevServer, waitForTemporal } from '../../scripts/lib/temporal.mjs';
import { ensureTestServer } from '../../scripts/lib/tools.mjs';
import { resolveChromium } from '../../scripts/lib/chromium.mjs';

const dataRoot = path.join(repoRoot, '.data');
const log = (msg) => process.stderr.write(`${msg}\n`);

/** Remove .data/test-<pid> dirs of runs that died without teardown (killing their servers). */
async function cleanStaleRuns() {
  let entries = [];
  try {
    entries = fs.readdirSync(dataRoot);
  } catch {
    return;
  }
  for (const entry of entries) {
    const m = /^test-(\d+)$/.exec(entry);
    if (!m || isAlive(Number(m[1]))) continue;
    const dir = path.join(dataRoot, entry);
    const pidOf = (file) => Number.parseInt(fs.readFileSync(file, 'utf8'), 10);
    try {
      const pid = pidOf(path.join(dir, 'temporal.pid'));
      if (cmdlineOf(pid).includes('start-dev')) await terminate(pid, { group: true, graceMs: 5_000 });
    } catch {
      /* none */
    }
    try {
      const pid = pidOf(path.join(dir, 'pg', 'postmaster.pid'));
      if (cmdlineOf(pid).includes(dir)) await terminate(pid, { signal: 'SIGINT', graceMs: 5_000 });
    } catch {
      /* none */
    }
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function startDatabase(runDir, port) {
  if (process.env.DATABASE_URL) {
    const name = `refund_desk_test_${randomBytes(4).toString('hex')}`;
    const adminUrl = withDatabase(process.env.DATABASE_URL, 'postgres');
    await createDatabaseIfMissing(adminUrl, name);
    return { url: withDatabase(process.env.DATABASE_URL, name), adminUrl, external: true, name };
  }
  const pg = await startPostgres({
    dataDir: path.join(runDir, 'pg'),
    port,
    database: 'refund_desk_test',
    fast: true,
    useEnv: false,
    log: () => {},
  });
  return { ...pg, name: 'refund_desk_test' };
}

async function startTemporal(runDir, port) {
  if (process.env.TEMPORAL_ADDRESS) {
    await waitForTemporal(process.env.TEMPORAL_ADDRESS, { timeoutMs: 30_000 });
    await ensureSearchAttributes(process.env.TEMPORAL_ADDRESS, 'default', claimSearchAttributes());
    return { address: process.env.TEMPORAL_ADDRESS, external: true, stop: async () => {} };
  }
  return startTemporalDevServer({
    port,
    headless: true,
    searchAttributes: claimSearchAttributes(),
    pidFile: path.join(runDir, 'temporal.pid'),
    useEnv: false,
    log: () => {},
  });
}

/** The console's browser tests read CHROMIUM_PATH and CHROMIUM_ARGS (see scripts/lib/chromium.mjs for the order). */
async function provisionBrowser() {
  try {
    const browser = await resolveChromium();
    process.env.CHROMIUM_PATH = browser.executablePath;
    process.env.CHROMIUM_ARGS = JSON.stringify(browser.args);
  } catch (err) {
    process.env.CHROMIUM_UNAVAILABLE = String(err?.message ?? err);
    log(`[test] no Chromium for the console tests: ${process.env.CHROMIUM_UNAVAILABLE}`);
  }
}

export default async function globalSetup() {
  const started = Date.now();
  await cleanStaleRuns();
  const runDir = path.join(dataRoot, `test-${process.pid}`);
  fs.mkdirSync(runDir, { recursive: true, mode: 0o755 });
  fs.chmodSync(dataRoot, 0o755);
  fs.chmodSync(runDir, 0o755);

  const pgPort = await freePort();
  let temporalPort = await freePort();
  while (temporalPort === pgPort) temporalPort = await freePort();

  const timed = async (promise) => {
    const t = Date.now();
    const value = await promise;
    return { value, ms: Date.now() - t };
  };
  const [dbR, temporalR, testServerR] = await Promise.allSettled([
    timed(startDatabase(runDir, pgPort)),
    timed(startTemporal(runDir, temporalPort)),
    timed(ensureTestServer()),
  ]);

  const infra = {
    runDir,
    db: dbR.status === 'fulfilled' ? dbR.value.value : undefined,
    temporal: temporalR.status === 'fulfilled' ? temporalR.value.value : undefined,
  };
  globalThis.__REFUND_DESK_TEST_INFRA__ = infra;
  const failure = [dbR, temporalR, testServerR].find((r) => r.status === 'rejected');
  if (failure) {
    const { default: teardown } = await import('./global-teardown.mjs');
    await teardown();
    throw failure.reason;
  }

  const testServer = testServerR.value.value;
  process.env.DATABASE_URL = infra.db.url;
  process.env.TEST_PG_ADMIN_URL = infra.db.adminUrl;
  process.env.TEMPORAL_ADDRESS = infra.temporal.address;
  process.env.TEMPORAL_NAMESPACE = 'default';
  process.env.TEMPORAL_TEST_SERVER_PATH = testServer ?? '';
  if (!testServer) log('[test] temporal-test-server not available; time-skipping tests will let the SDK download it');
  await provisionBrowser();

  log(
    `\n[test] infra ready in ${fmtMs(Date.now() - started)}: ` +
      `postgres ${infra.db.external ? `(DATABASE_URL, db ${infra.db.name})` : `127.0.0.1:${pgPort}`} ${fmtMs(dbR.value.ms)}, ` +
      `temporal ${infra.temporal.address}${infra.temporal.external ? ' (TEMPORAL_ADDRESS)' : ''} ${fmtMs(temporalR.value.ms)}`,
  );
}
