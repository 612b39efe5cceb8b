/**
 * Refund Desk's API and worker as the production entries run them (wiring/api.ts, wiring/worker.ts, or a
 * benchmark's own worker entry), each in its own Node process so its CPU and memory can be read.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import type { InfraStack } from './stack';

const repoRoot = path.resolve(__dirname, '../..');

export interface DeskProcess {
  name: string;
  pid: number;
  stop(): Promise<void>;
}

export interface DeskEnv {
  infra: Pick<InfraStack, 'databaseUrl' | 'temporalAddress' | 'smtp'>;
  taskQueue: string;
  /** Extra env (worker tuning, a bench entry's own settings). */
  env?: Record<string, string>;
  log(message: string): void;
}

function baseEnv({ infra, taskQueue, env }: DeskEnv): NodeJS.ProcessEnv {
  return {
    ...process.env,
    // Development secrets, and no intake rate limits: the bench floods intake on purpose.
    NODE_ENV: 'development',
    CLAIM_RATE_LIMIT_PER_CLIENT: '0',
    CLAIM_RATE_LIMIT_PER_ACCOUNT: '0',
    DATABASE_URL: infra.databaseUrl,
    TEMPORAL_ADDRESS: infra.temporalAddress,
    TEMPORAL_NAMESPACE: 'default',
    TEMPORAL_TASK_QUEUE: taskQueue,
    SMTP_HOST: infra.smtp.host,
    SMTP_PORT: String(infra.smtp.port),
    INBOUND_SMTP_PORT: '-1',
    LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'warn',
    LOG_FORMAT: 'json',
    ...env,
  };
}

/** BENCH_CPU_PROF=<dir>: every desk process writes a V8 CPU profile (threads too) there when it exits. */
function profileFlags(): string[] {
  const dir = process.env.BENCH_CPU_PROF;
  return dir ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(dir)}`] : [];
}

/** Spawns `node --import tsx <entry>`; its output goes to the bench's stderr, prefixed. */
function spawnEntry(name: string, entry: string, env: NodeJS.ProcessEnv, log: (m: string) => void): ChildProcess {
  const child = spawn(process.execPath, [...profileFlags(), '--import', 'tsx', path.join(repoRoot, entry)], {
    cwd: repoRoot,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // A bench that exits early takes its processes with it.
  const kill = () => child.kill('SIGKILL');
  process.on('exit', kill);
  child.once('exit', () => process.removeListener('exit', kill));
  for (const stream of [child.stdout, child.stderr]) {
    let rest = '';
    stream!.on('data', (chunk: Buffer) => {
      const lines = (rest + chunk.toString('utf8')).split('\n');
      rest = lines.pop() ?? '';
      for (const line of lines) if (line.trim()) log(`[${name}] ${line.slice(0, 400)}`);
    });
  }
  return child;
}

function stopper(child: ChildProcess, name: string, log: (m: string) => void): () => Promise<void> {
  return async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => {
      log(`[bench] ${name} did not stop within 30 s; killing it`);
      child.kill('SIGKILL');
    }, 30_000);
    await exited;
    clearTimeout(timer);
  };
}

async function waitUntil(what: string, child: ChildProcess, check: () => Promise<boolean>, timeoutMs = 180_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${what} exited with code ${child.exitCode} while starting`);
    if (await check().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${what} was not ready within ${timeoutMs / 1000} s`);
}

/** The HTTP API (wiring/api.ts) on `port`; resolves once /healthz answers. */
export async function startApiProcess(desk: DeskEnv, port: number): Promise<DeskProcess & { url: string }> {
  const env = baseEnv({ ...desk, env: { ...desk.env, PORT: String(port) } });
  const child = spawnEntry('api', 'wiring/api.ts', env, desk.log);
  const url = `http://127.0.0.1:${port}`;
  await waitUntil('the API', child, async () => (await fetch(`${url}/healthz`)).ok);
  return { name: 'api', pid: child.pid!, url, stop: stopper(child, 'api', desk.log) };
}

/** A worker entry (wiring/worker.ts or a bench entry); resolves once it polls its task queue. */
export async function startWorkerProcess(
  desk: DeskEnv,
  entry = 'wiring/worker.ts',
  name = 'worker',
): Promise<DeskProcess & { metricsUrl: string }> {
  const { freePort } = await import('../../scripts/lib/proc.mjs');
  const metricsPort = await freePort();
  const env = baseEnv({ ...desk, env: { WORKER_METRICS_PORT: String(metricsPort), ...desk.env } });
  const child = spawnEntry(name, entry, env, desk.log);
  const connection = await Connection.connect({ address: desk.infra.temporalAddress });
  try {
    await waitUntil(`the ${name}`, child, async () => {
      const queue = await connection.workflowService.describeTaskQueue({
        namespace: 'default',
        taskQueue: { name: desk.taskQueue },
        taskQueueType: 2, // activities: polled once the worker runs
      });
      return queue.pollers.length > 0;
    });
  } finally {
    await connection.close();
  }
  return {
    name,
    pid: child.pid!,
    metricsUrl: `http://127.0.0.1:${metricsPort}/metrics`,
    stop: stopper(child, name, desk.log),
  };
}

/** The sum of one counter's samples whose labels include `labels`, from a worker's /metrics (NaN if unreadable). */
export async function counterOf(metricsUrl: string, name: string, labels = ''): Promise<number> {
  const text = await fetch(metricsUrl)
    .then((res) => (res.ok ? res.text() : ''))
    .catch(() => '');
  const samples = text.split('\n').filter((line) => line.startsWith(`${name}{`) && line.includes(labels));
  return samples.length ? samples.reduce((sum, line) => sum + Number(line.split(' ').pop()), 0) : NaN;
}
