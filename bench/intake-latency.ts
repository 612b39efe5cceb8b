/**
 * P2, intake latency: `POST /v1/claims` under an open-loop load of 50, 100 and 200 claims/s (30 s each).
 *
 *   npx tsx bench/intake-latency.ts [--quick] [--seconds 30] [--rates 50,100,200] [--no-worker] [--worker-nice 10]
 *
 * Alone it starts a stack of its own in the production shape (see startOwnStack: the dev infrastructure, then the
 * API and the worker with the claim dispatcher as two processes) on free ports under .data/bench-intake-<pid>, and
 * deletes it afterwards. `npm run bench` passes its stack to `measureIntakeLatency`.
 *
 * Open loop: request i is sent at t0 + i/rate whatever the earlier ones are doing, and its latency runs from that
 * scheduled time to the end of the response, so a stalled server cannot hide its stall (no coordinated omission).
 * Baselines, at the same rate in the same run:
 *   - `GET /v1/policies` on the same server (a trivial route: no I/O), for the ratio;
 *   - a synchronous workflow start (`claimWorkflow` with the memo and search attributes the old intake set) on the
 *     same Temporal server: what `POST /v1/claims` waited for before the outbox.
 * The synchronous starts run last, for at most 10 s per rate, so their backlog on the engine does not weigh on
 * the intake measured after them. Also reported: the outbox's backlog after the last claim and how long it took
 * to drain (every workflow started).
 * The claims name unknown request ids, so their workflows end quickly in a denial; the worker keeps running
 * them during the measurement, as on a busy day. Note: the run leaves its claims' workflows behind on a shared
 * stack; run P2 last there.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Client, Connection, WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { ulid } from 'ulid';
import { createDb, type Db } from '../db';
import { insertIntakeBenchAccounts } from '../db/bench-intake';
import { claimOutboxBacklog } from '../db/claim-outbox';
import { claimStartVisibility } from '../server/temporal';
import type { BenchFigure, BenchOptions, BenchPart, BenchStack } from './lib/suite';

const DEFAULT_RATES = [50, 100, 200];
const TARGET_P99_MS = 50;
const ACCOUNTS = 200;
const POLICY = 'pixazo-api';

interface Sample {
  latencies: number[];
  errors: number;
  sent: number;
  /** Requests per second actually sent (the schedule's own lateness shows here). */
  achievedRate: number;
}

interface Summary {
  p50: number;
  p99: number;
  max: number;
  errors: number;
  sent: number;
  achievedRate: number;
}

const line = (name: string, s: Summary) =>
  `[P2]   ${name.padEnd(20)} p50 ${s.p50} ms  p99 ${s.p99} ms  max ${s.max} ms  errors ${s.errors}/${s.sent}  sent ${s.achievedRate}/s`;

function quantile(sorted: number[], q: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
}

function summarize(s: Sample): Summary {
  const sorted = [...s.latencies].sort((a, b) => a - b);
  const round = (n: number) => Math.round(n * 10) / 10;
  return {
    p50: round(quantile(sorted, 0.5)),
    p99: round(quantile(sorted, 0.99)),
    max: round(sorted[sorted.length - 1] ?? NaN),
    errors: s.errors,
    sent: s.sent,
    achievedRate: round(s.achievedRate),
  };
}

/**
 * Fires `send` at a fixed rate for `seconds`, never waiting for answers; a send resolving false (or throwing)
 * is an error. Latency is measured from each request's scheduled time.
 */
async function openLoop(rate: number, seconds: number, send: (i: number) => Promise<boolean>): Promise<Sample> {
  const total = Math.round(rate * seconds);
  const interval = 1000 / rate;
  const latencies: number[] = [];
  const inFlight: Promise<void>[] = [];
  let errors = 0;
  let i = 0;
  const t0 = performance.now() + 20;
  await new Promise<void>((resolve) => {
    const tick = () => {
      const now = performance.now();
      for (; i < total && t0 + i * interval <= now; i++) {
        const scheduled = t0 + i * interval;
        const done = (ok: boolean) => {
          latencies.push(performance.now() - scheduled);
          if (!ok) errors++;
        };
        inFlight.push(send(i).then(done, () => done(false)));
      }
      if (i >= total) return resolve();
      setTimeout(tick, Math.max(0, t0 + i * interval - performance.now()));
    };
    tick();
  });
  const sentIn = (performance.now() - t0) / 1000;
  await Promise.all(inFlight);
  return { latencies, errors, sent: total, achievedRate: total / sentIn };
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 1024 });

/** One HTTP request on a kept-alive connection; resolves with the status once the body is read. */
function request(url: URL, method: string, body?: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      {
        method,
        agent,
        timeout: 30_000,
        headers: body ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } : {},
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', reject);
    req.end(body);
  });
}

/** The old intake's wait: a claim workflow start with its memo and search attributes, on a queue no worker polls. */
function syncStart(client: Client, accountId: string): Promise<boolean> {
  const facts = { accountId, policyId: POLICY, reason: 'failed_request' as const };
  // A start still unanswered after 30 s counts as an error, which bounds the run on a saturated engine.
  return client
    .withDeadline(Date.now() + 30_000, () =>
      client.workflow.start('claimWorkflow', {
        taskQueue: 'bench-intake-sync-start',
        workflowId: `bench-sync-start-${ulid()}`,
        args: [{ claimId: `clm_${ulid()}`, ...facts }],
        workflowIdConflictPolicy: 'USE_EXISTING',
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
        // Nobody runs these; the server closes them a minute later.
        workflowExecutionTimeout: '1 minute',
        ...claimStartVisibility(facts),
      }),
    )
    .then(
      () => true,
      (err: unknown) => err instanceof WorkflowExecutionAlreadyStartedError,
    );
}

/** CPU milliseconds (user + system) the process has used so far, from /proc (Linux), or NaN. */
function cpuMs(pid: number | undefined): number {
  if (!pid) return NaN;
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime, stime in clock ticks of 1/100 s
  } catch {
    return NaN;
  }
}

async function waitForDrain(db: Db, timeoutMs: number): Promise<number> {
  const t = performance.now();
  while ((await claimOutboxBacklog(db)).pending > 0) {
    if (performance.now() - t > timeoutMs) return NaN;
    await new Promise((r) => setTimeout(r, 100));
  }
  return Math.round(performance.now() - t);
}

/** P2: intake latency at each rate, with the trivial-route and synchronous-start baselines of the same run. */
export const measureIntakeLatency: BenchPart = async (stack: BenchStack, options: BenchOptions) => {
  const seconds = options.quick ? 5 : 30;
  return runIntakeLatency(stack, options, seconds, DEFAULT_RATES, true, stack.apiPid);
};

async function runIntakeLatency(
  stack: BenchStack,
  options: BenchOptions,
  seconds: number,
  rates: number[],
  drains = true,
  apiPid?: number,
): Promise<BenchFigure[]> {
  const db = createDb(stack.databaseUrl, 2);
  const connection = await Connection.connect({ address: stack.temporalAddress });
  const client = new Client({ connection, namespace: stack.namespace });
  const prefix = `acct_p2_${ulid().slice(-6).toLowerCase()}_`;
  const figures: BenchFigure[] = [];
  try {
    const accounts = await insertIntakeBenchAccounts(db, prefix, ACCOUNTS, POLICY);
    const claims = new URL('/v1/claims', stack.apiUrl);
    const trivial = new URL('/v1/policies', stack.apiUrl);
    const claimBody = (i: number) =>
      JSON.stringify({
        accountId: accounts[i % accounts.length],
        reason: 'failed_request',
        requestIds: [`req_p2_${i}_${ulid()}`],
        explanation: 'intake latency benchmark',
      });
    // Warm up connections, JIT and the pool at a low rate before measuring.
    await openLoop(20, 2, (i) => request(claims, 'POST', claimBody(i)).then((s) => s === 202));
    if (drains) await waitForDrain(db, 120_000);

    // Intake first at every rate (its baseline route just before it), then the outbox's drain, then the
    // synchronous starts, whose backlog on the engine would otherwise weigh on the intake measured after them.
    const measured: { rate: number; intake: Summary; base: Summary; apiCpuMsPerClaim: number }[] = [];
    for (const rate of rates) {
      options.log(`[P2] ${rate}/s for ${seconds} s: GET /v1/policies (baseline), then POST /v1/claims`);
      const base = summarize(await openLoop(rate, seconds, () => request(trivial, 'GET').then((s) => s === 200)));
      const cpuBefore = cpuMs(apiPid);
      const intake = summarize(
        await openLoop(rate, seconds, (i) => request(claims, 'POST', claimBody(i)).then((s) => s === 202)),
      );
      const apiCpuMsPerClaim = Math.round(((cpuMs(apiPid) - cpuBefore) / intake.sent) * 100) / 100;
      options.log(line('POST /v1/claims', intake) + `  API CPU ${apiCpuMsPerClaim} ms/claim`);
      options.log(line('GET /v1/policies', base));
      measured.push({ rate, intake, base, apiCpuMsPerClaim });
    }
    const backlog = await claimOutboxBacklog(db);
    const drainMs = drains ? await waitForDrain(db, 300_000) : NaN;
    const left = (await claimOutboxBacklog(db)).pending;
    options.log(
      `[P2]   outbox: ${backlog.pending} starts waiting after the last claim; ${!drains ? 'no dispatcher runs' : Number.isNaN(drainMs) ? `${left} left after 300 s` : `drained in ${drainMs} ms`}`,
    );
    const syncSeconds = Math.min(seconds, 10);
    for (const { rate, intake, base, apiCpuMsPerClaim } of measured) {
      options.log(`[P2] ${rate}/s for ${syncSeconds} s: synchronous workflow start (the old intake's wait)`);
      const sync = summarize(
        await openLoop(rate, syncSeconds, (i) => syncStart(client, accounts[i % accounts.length]!)),
      );
      options.log(line('sync workflow start', sync));
      figures.push({
        part: 'P2',
        name: `POST /v1/claims p99 at ${rate}/s, open loop ${seconds} s (lower is better)`,
        value: intake.p99,
        unit: 'ms',
        baseline: { name: `GET /v1/policies p99 at ${rate}/s, same server`, value: base.p99, unit: 'ms' },
        ratio: Math.round((intake.p99 / base.p99) * 100) / 100,
        ...(rate === 200 && { target: `p99 < ${TARGET_P99_MS} ms at 200/s`, met: intake.p99 < TARGET_P99_MS }),
        detail: {
          rate,
          seconds,
          intakeP50: intake.p50,
          intakeMax: intake.max,
          intakeErrors: intake.errors,
          intakeSent: intake.sent,
          intakeAchievedRate: intake.achievedRate,
          ...(Number.isFinite(apiCpuMsPerClaim) && { apiCpuMsPerClaim }),
          trivialP50: base.p50,
          trivialMax: base.max,
          trivialErrors: base.errors,
          syncStartSeconds: syncSeconds,
          syncStartP50: sync.p50,
          syncStartP99: sync.p99,
          syncStartMax: sync.max,
          syncStartErrors: sync.errors,
          intakeToSyncStartP99Ratio: Math.round((intake.p99 / sync.p99) * 1000) / 1000,
          outboxBacklogAfterIntake: backlog.pending,
          outboxDrainedAfterMs: drainMs,
          outboxLeftAfterWait: left,
        },
      });
    }
    return figures;
  } finally {
    await connection.close();
    await db.end();
  }
}

interface Proc {
  child: ChildProcess;
  output(): string;
}

/** Spawns `node --import tsx <script>` from the repository root, keeping the tail of its output. */
function spawnTsx(repoRoot: string, script: string, args: string[], env: NodeJS.ProcessEnv): Proc {
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
    cwd: repoRoot,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const keep = (chunk: Buffer) => {
    out = (out + chunk.toString()).slice(-8_000);
    if (process.env.BENCH_P2_LOG) appendFileSync(process.env.BENCH_P2_LOG, chunk);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  return { child, output: () => out };
}

async function stopProc(p: Proc): Promise<void> {
  if (p.child.exitCode !== null || p.child.signalCode !== null) return;
  const exited = new Promise((r) => p.child.once('exit', r));
  p.child.kill('SIGINT');
  await exited;
}

async function waitFor(what: string, p: Proc, ready: () => Promise<boolean> | boolean, timeoutMs = 180_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await ready())) {
    if (p.child.exitCode !== null || Date.now() > deadline) throw new Error(`${what} did not start:\n${p.output()}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/**
 * The production shape on this machine, for a standalone run: the dev stack's infrastructure
 * (`scripts/dev-stack.ts --infra`: embedded PostgreSQL, the Temporal dev server, the mail sink) on free ports under
 * .data/bench-intake-<pid>, and the API (wiring/api.ts) and the worker with the claim dispatcher (wiring/worker.ts)
 * as two processes, as docker-compose runs them.
 */
async function startOwnStack(
  log: (m: string) => void,
  withWorker = true,
): Promise<{ stack: BenchStack; apiPid?: number; workerPid?: number; stop(): Promise<void> }> {
  const { freePort, repoRoot } = await import('../scripts/lib/proc.mjs');
  const dataDir = path.join(repoRoot, '.data', `bench-intake-${process.pid}`);
  // The dev stack's own secrets: a standalone run is a development run, with the intake rate limits off (as in
  // bench/lib/desk-processes.ts): every claim comes from one client.
  const env: NodeJS.ProcessEnv = {
    NODE_ENV: 'development',
    CLAIM_RATE_LIMIT_PER_CLIENT: '0',
    CLAIM_RATE_LIMIT_PER_ACCOUNT: '0',
    ...process.env,
    DEV_DATA_DIR: dataDir,
    LOG_LEVEL: 'warn',
    LOG_FORMAT: 'json',
  };
  for (const name of ['PG_PORT', 'TEMPORAL_PORT', 'TEMPORAL_UI_PORT', 'SMTP_PORT', 'MAIL_UI_PORT', 'INBOUND_SMTP_PORT'])
    env[name] = process.env[name] ?? String(await freePort());
  for (const name of ['DATABASE_URL', 'TEMPORAL_ADDRESS', 'SMTP_HOST']) delete env[name];
  const procs: Proc[] = [];
  const stop = async () => {
    for (const p of procs.reverse()) await stopProc(p);
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    const infra = spawnTsx(repoRoot, 'scripts/dev-stack.ts', ['--infra'], env);
    procs.push(infra);
    await waitFor('the dev stack', infra, () => /export TEMPORAL_ADDRESS/.test(infra.output()));
    const exported = (name: string) => new RegExp(`export ${name}='([^']+)'`).exec(infra.output())?.[1];
    const appEnv: NodeJS.ProcessEnv = { ...env, INBOUND_SMTP_PORT: '-1' };
    for (const name of ['DATABASE_URL', 'TEMPORAL_ADDRESS', 'TEMPORAL_NAMESPACE', 'SMTP_HOST', 'SMTP_PORT'])
      appEnv[name] = exported(name);
    const port = process.env.PORT ?? String(await freePort());
    const apiUrl = `http://127.0.0.1:${port}`;
    let workerPid: number | undefined;
    if (withWorker) {
      const worker = spawnTsx(repoRoot, 'wiring/worker.ts', [], {
        ...appEnv,
        WORKER_METRICS_PORT: String(await freePort()),
      });
      procs.push(worker);
      workerPid = worker.child.pid;
    }
    const api = spawnTsx(repoRoot, 'wiring/api.ts', [], { ...appEnv, PORT: port });
    procs.push(api);
    const healthy = () =>
      request(new URL('/healthz', apiUrl), 'GET').then(
        (status) => status === 200,
        () => false,
      );
    await waitFor('the API', api, healthy);
    log(`[P2] own stack up in ${dataDir}: API and worker processes`);
    return {
      apiPid: api.child.pid,
      workerPid,
      stack: {
        apiUrl,
        temporalAddress: appEnv.TEMPORAL_ADDRESS!,
        namespace: appEnv.TEMPORAL_NAMESPACE ?? 'default',
        taskQueue: 'refund-desk',
        databaseUrl: appEnv.DATABASE_URL!,
      },
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** Renices the worker of a standalone run and its Temporal dev server (a child of the dev stack, found by its port). */
function lowerWorkerPriority(stack: BenchStack, workerPid: number, nice: number, log: (m: string) => void) {
  const port = stack.temporalAddress.split(':').pop()!;
  const server = execFileSync('pgrep', ['-f', `temporal server start-dev.*--port ${port} `])
    .toString()
    .split('\n')
    .filter(Boolean)
    .map(Number);
  for (const pid of [workerPid, ...server]) os.setPriority(pid, nice);
  log(`[P2] worker (pid ${workerPid}) and dev server (pid ${server.join(', ')}) at nice ${nice}`);
}

async function main() {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      seconds: { type: 'string' },
      rates: { type: 'string' },
      // Diagnosis: the API alone, no worker or dispatcher (claims stay in the outbox; nothing drains).
      'no-worker': { type: 'boolean', default: false },
      // One machine that runs it all: the worker and the Temporal dev server at this nice value, the API and
      // PostgreSQL at the default (as docker-compose's cpu_shares would weigh them).
      'worker-nice': { type: 'string' },
    },
  });
  const log = (m: string) => void process.stderr.write(`${m}\n`);
  const options: BenchOptions = { quick: values.quick ?? false, log };
  const seconds = values.seconds ? Number(values.seconds) : options.quick ? 5 : 30;
  const rates = values.rates ? values.rates.split(',').map(Number) : DEFAULT_RATES;
  const own = await startOwnStack(log, !values['no-worker']);
  if (values['worker-nice'] && own.workerPid)
    lowerWorkerPriority(own.stack, own.workerPid, Number(values['worker-nice']), log);
  try {
    const figures = await runIntakeLatency(own.stack, options, seconds, rates, !values['no-worker'], own.apiPid);
    console.log(JSON.stringify(figures, null, 2));
  } finally {
    await own.stop();
  }
}

if (require.main === module) {
  void main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
