import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync, rmSync, type WriteStream } from 'node:fs';
import path from 'node:path';
import { startMailSink, type MailSink } from '../mail/sink';
import type { LocalPostgres } from '../scripts/lib/postgres.mjs';
import type { LocalTemporal } from '../scripts/lib/temporal.mjs';
import type { KillPlan } from './kill-switch';

const repoRoot = path.resolve(__dirname, '..');

/** Own ports (base 47xxx), so a chaos run never meets `npm run dev`, the tests or another stack. */
export interface ChaosPorts {
  pg: number;
  temporal: number;
  temporalUi: number;
  smtp: number;
  mailUi: number;
  api: number;
  inboundSmtp: number;
  workerMetrics: number;
}

function port(name: string, fallback: number): number {
  const raw = process.env[name];
  return raw ? Number(raw) : fallback;
}

export function chaosPorts(): ChaosPorts {
  return {
    pg: port('PG_PORT', 47432),
    temporal: port('TEMPORAL_PORT', 47233),
    temporalUi: port('TEMPORAL_UI_PORT', 47234),
    smtp: port('SMTP_PORT', 47025),
    mailUi: port('MAIL_UI_PORT', 47080),
    api: port('PORT', 47300),
    inboundSmtp: port('INBOUND_SMTP_PORT', 47525),
    workerMetrics: port('WORKER_METRICS_PORT', 47464),
  };
}

/** Staff keys of the chaos stack (loaded through STAFF_API_KEYS, as an operator would). */
export const CHAOS_KEYS = {
  lead: 'chaos-lead-key',
  finance: 'chaos-finance-key',
  operator: 'chaos-operator-key',
} as const;
export const CHAOS_STRIPE_SECRET = 'whsec_chaos_only';

/** A process of the product (the API or the worker), with its output kept in a log file. */
export interface AppProcess {
  child: ChildProcess;
  /** Settles with the signal (or exit code) the process ended with. */
  exited: Promise<string>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Workers kept booting ahead of the next kill: a start costs seconds of CPU on a busy machine. */
const STANDBYS = 2;

/** Resolves when the process writes `line` to stdout; rejects if it ends first. */
function lineFrom(proc: AppProcess, line: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let seen = '';
    proc.child.stdout!.on('data', (chunk: Buffer) => {
      seen += chunk.toString();
      if (seen.includes(line)) resolve();
    });
    void proc.exited.then((how) => reject(new Error(`the chaos worker ended (${how}) before "${line}"`)));
  });
}

/**
 * The dev stack of `npm run dev`, from the same modules (scripts/lib/postgres.mjs, scripts/lib/temporal.mjs,
 * mail/sink.ts), with the API (wiring/api.ts) and the worker (chaos/worker.ts) as separate processes.
 */
export class ChaosStack {
  pg!: LocalPostgres;
  temporal!: LocalTemporal;
  sink!: MailSink;
  api: AppProcess | null = null;
  worker: AppProcess | null = null;
  /** Warm standby workers, booting or ready, oldest first. */
  private standbys: { proc: AppProcess; ready: Promise<boolean> }[] = [];
  /** Product processes that ended on their own (not by a planned kill), each restarted as a supervisor would. */
  readonly crashes: string[] = [];
  private supervising = false;
  private stopping = false;
  readonly apiUrl: string;
  private readonly apiLog: WriteStream;
  private readonly workerLog: WriteStream;

  constructor(
    readonly dataDir: string,
    readonly ports: ChaosPorts,
    readonly bundlePath: string,
    readonly traceFile: string,
    readonly workerScript: string,
  ) {
    this.apiUrl = `http://127.0.0.1:${ports.api}`;
    this.apiLog = createWriteStream(path.join(dataDir, 'api.log'), { flags: 'a' });
    this.workerLog = createWriteStream(path.join(dataDir, 'worker.log'), { flags: 'a' });
  }

  /** A fresh data folder: each run starts from nothing, so every row checked is this run's. */
  static prepare(dataDir: string): void {
    rmSync(dataDir, { recursive: true, force: true });
    mkdirSync(dataDir, { recursive: true, mode: 0o755 });
  }

  async startInfra(log: (line: string) => void): Promise<void> {
    const [pg, temporal, sink] = await Promise.all([
      this.startPostgres(log),
      this.startTemporal(log),
      startMailSink({
        smtpPort: this.ports.smtp,
        httpPort: this.ports.mailUi,
        dir: path.join(this.dataDir, 'mail'),
      }),
    ]);
    this.pg = pg;
    this.temporal = temporal;
    this.sink = sink;
  }

  async startPostgres(log: (line: string) => void = () => {}): Promise<LocalPostgres> {
    const { startPostgres } = await import('../scripts/lib/postgres.mjs');
    return startPostgres({ dataDir: path.join(this.dataDir, 'pg'), port: this.ports.pg, useEnv: false, log });
  }

  async startTemporal(log: (line: string) => void = () => {}): Promise<LocalTemporal> {
    const { startTemporalDevServer } = await import('../scripts/lib/temporal.mjs');
    return startTemporalDevServer({
      dataDir: path.join(this.dataDir, 'temporal'),
      port: this.ports.temporal,
      uiPort: this.ports.temporalUi,
      useEnv: false,
      log,
    });
  }

  /** Stops the Temporal dev server (SIGTERM to its group) and starts it again on the same state. */
  async restartTemporal(): Promise<number> {
    const t0 = Date.now();
    await this.temporal.stop();
    this.temporal = await this.startTemporal();
    return Date.now() - t0;
  }

  /** Stops PostgreSQL (fast shutdown: open connections are cut) and starts it again on the same cluster. */
  async restartPostgres(): Promise<number> {
    const t0 = Date.now();
    await this.pg.stop();
    this.pg = await this.startPostgres();
    return Date.now() - t0;
  }

  /** The environment both product processes get: this stack's ports, secrets and keys. */
  appEnv(): NodeJS.ProcessEnv {
    const p = this.ports;
    return {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      NODE_ENV: 'development',
      LOG_LEVEL: process.env.CHAOS_LOG_LEVEL ?? 'warn',
      DATABASE_URL: this.pg.url,
      TEMPORAL_ADDRESS: this.temporal.address,
      TEMPORAL_NAMESPACE: 'default',
      SMTP_HOST: '127.0.0.1',
      SMTP_PORT: String(p.smtp),
      PORT: String(p.api),
      WORKER_METRICS_PORT: String(p.workerMetrics),
      INBOUND_SMTP_PORT: String(p.inboundSmtp),
      INBOUND_DNS_ZONE_FILE: path.join(repoRoot, 'mail', 'dev-dns-zone.json'),
      CLAIM_TOKEN_SECRET: 'chaos-claim-token-secret-not-for-production',
      STRIPE_WEBHOOK_SECRETS: CHAOS_STRIPE_SECRET,
      STAFF_API_KEYS: Object.entries(CHAOS_KEYS)
        .map(([role, key]) => `${role}:chaos-${role}:${key}`)
        .join(','),
      // The mail channel's per-sender limit would answer 451 to the chaos senders' retries.
      INBOUND_MAIL_PER_HOUR: '10000',
      // Hundreds of claims from one client in minutes: intake rate limits are not what chaos tests.
      CLAIM_RATE_LIMIT_PER_CLIENT: '0',
      CLAIM_RATE_LIMIT_PER_ACCOUNT: '0',
    };
  }

  async startApi(): Promise<void> {
    this.api = this.spawnApp(['wiring/api.ts'], {}, this.apiLog);
    const deadline = Date.now() + 60_000;
    for (;;) {
      const up = await fetch(`${this.apiUrl}/healthz`).then(
        (r) => r.ok,
        () => false,
      );
      if (up) return;
      if (this.api.child.exitCode !== null || Date.now() > deadline)
        throw new Error(`the API did not come up; see ${path.join(this.dataDir, 'api.log')}`);
      await sleep(200);
    }
  }

  /**
   * Starts a worker armed with `plan` (null: it never kills itself); resolves once it polls its task queue.
   * A warm standby (wired, connected, created) takes the plan when one is ready, and the next standby starts
   * booting at once, so a restart costs what the kill-to-poll gap costs, not a Node process start.
   */
  async startWorker(plan: KillPlan | null, trace = false): Promise<AppProcess> {
    let worker: AppProcess | null = null;
    while (!trace && !worker && this.standbys.length) {
      const next = this.standbys.shift()!;
      // A standby that died booting (e.g. while PostgreSQL restarted) is skipped.
      if ((await next.ready) && next.proc.child.exitCode === null) worker = next.proc;
    }
    if (!worker) {
      const fresh = this.spawnWorker(trace);
      if (!(await fresh.ready)) throw new Error(`a chaos worker died while starting; see ${this.dataDir}/worker.log`);
      worker = fresh.proc;
    }
    this.worker = worker;
    const polling = lineFrom(worker, 'chaos-worker: polling');
    worker.child.stdin!.write(`${JSON.stringify(plan)}\n`);
    await polling;
    while (!trace && this.standbys.length < STANDBYS) this.standbys.push(this.spawnWorker(false));
    return worker;
  }

  /** A worker process that has loaded, wired and created everything and waits for its plan. */
  private spawnWorker(trace: boolean): { proc: AppProcess; ready: Promise<boolean> } {
    const env = {
      CHAOS_WORKFLOW_BUNDLE: this.bundlePath,
      ...(trace && { CHAOS_TRACE: this.traceFile }),
    };
    const worker = this.spawnApp([this.workerScript], env, this.workerLog, false);
    const ready = lineFrom(worker, 'chaos-worker: ready').then(
      () => true,
      () => false,
    );
    return { proc: worker, ready };
  }

  /**
   * From now on a worker or API process that ends by itself is a crash: it is recorded and started again,
   * as docker-compose's restart policy or systemd would.
   */
  supervise(log: (line: string) => void): void {
    this.supervising = true;
    const watch = (name: 'api' | 'worker') => {
      const proc = this[name];
      if (!proc) return;
      void proc.exited.then(async (how) => {
        if (this.stopping || !this.supervising || this[name] !== proc) return;
        this.crashes.push(`${name} ended (${how})`);
        log(`the ${name} process ended by itself (${how}); restarting it`);
        if (name === 'api') await this.startApi();
        else await this.startWorker(null);
        watch(name);
      });
    };
    watch('api');
    watch('worker');
  }

  /** Stops the running worker gracefully (SIGTERM: the SDK drains it). */
  async stopWorker(): Promise<void> {
    const worker = this.worker;
    if (!worker || worker.child.exitCode !== null || worker.child.signalCode !== null) return;
    worker.child.kill('SIGTERM');
    const timer = setTimeout(() => worker.child.kill('SIGKILL'), 30_000);
    await worker.exited;
    clearTimeout(timer);
  }

  async stopAll(): Promise<void> {
    this.stopping = true;
    for (const standby of this.standbys.splice(0)) standby.proc.child.kill('SIGKILL');
    await this.stopWorker().catch(() => undefined);
    if (this.api && this.api.child.exitCode === null) {
      this.api.child.kill('SIGTERM');
      const timer = setTimeout(() => this.api?.child.kill('SIGKILL'), 20_000);
      await this.api.exited;
      clearTimeout(timer);
    }
    await this.sink?.stop().catch(() => undefined);
    await this.temporal?.stop().catch(() => undefined);
    await this.pg?.stop().catch(() => undefined);
    this.apiLog.end();
    this.workerLog.end();
  }

  private spawnApp(args: string[], extraEnv: NodeJS.ProcessEnv, log: WriteStream, tsx = true): AppProcess {
    const child = spawn(process.execPath, [...(tsx ? ['--import', 'tsx'] : []), ...args], {
      cwd: repoRoot,
      env: { ...this.appEnv(), ...extraEnv },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    child.stdout!.on('data', (chunk: Buffer) => log.write(chunk));
    child.stderr!.on('data', (chunk: Buffer) => log.write(chunk));
    const exited = new Promise<string>((resolve) =>
      child.once('exit', (code, signal) => resolve(signal ?? `exit ${code}`)),
    );
    return { child, exited };
  }
}
