/**
 * Where the API's CPU goes on `POST /v1/claims`, and how many PostgreSQL round trips one claim costs.
 *
 *   npx tsx bench/intake-profile.ts [--claims 2000] [--in-flight 4] [--log-level warn] [--cpu-prof DIR] [--keep]
 *
 * A throwaway database (bench/lib/database.ts), then the API in a child Node process of its own (`--serve`): the
 * app of server/app.ts with the bench's settings (development secrets, intake rate limits off, the NOTIFY to the
 * worker's dispatcher after each commit) and a Temporal client that never connects (intake does not use it).
 * The parent sends `--claims` claims, `--in-flight` at a time, on each of three paths (PHASES: a known account
 * without and with an Idempotency-Key, an unknown account). Per claim it reports the CPU ms (utime + stime from
 * /proc) of the child and of PostgreSQL when it runs here, and the round trips (every pg Client.query the child made). With `--cpu-prof DIR` the child writes a V8 CPU profile of each measured phase there
 * (intake-<phase>.cpuprofile; profiling slows the child: take CPU figures from a run without it).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { Session } from 'node:inspector/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Client as TemporalClient } from '@temporalio/client';
import pg from 'pg';
import { ulid } from 'ulid';
import { createDb, type Db } from '../db';
import { insertIntakeBenchAccounts } from '../db/bench-intake';
import { PolicyStore } from '../db/policies';
import { createApp } from '../server/app';
import { claimStartNotifier } from '../server/claim-dispatcher';
import { loadSecurityConfig } from '../wiring/secrets';
import { createLogger } from '../wiring/logger';
import { benchDatabase } from './lib/database';
import { cpuMeter } from './lib/proc-stats';

const POLICY = 'pixazo-api';
const ACCOUNTS = 200;

type Reply = { roundTrips: number };
/** What the parent asks the child: its round trips so far, or to start or stop profiling (the measured phase only). */
type Ask = { count: true } | { profile: 'start' } | { profile: 'stop'; file: string };

/** A V8 CPU profile of the measured phase alone, without start-up and warm-up. */
async function profiler(): Promise<(ask: Ask) => Promise<void>> {
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  return async (ask) => {
    if (!('profile' in ask)) return;
    if (ask.profile === 'start') return void (await session.post('Profiler.start'));
    const { profile } = await session.post('Profiler.stop');
    writeFileSync(ask.file, JSON.stringify(profile));
  };
}

/** The child: the API alone, counting every statement any pg client sends. */
async function serve(databaseUrl: string, logLevel: string): Promise<void> {
  let roundTrips = 0;
  const query = pg.Client.prototype.query;
  // Every pool query runs through a client's query: one call here is one round trip.
  pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
    roundTrips++;
    return (query as (...a: unknown[]) => unknown).apply(this, args);
  } as typeof query;
  const db = createDb(databaseUrl);
  const logger = createLogger(logLevel, 'json');
  const policies = await PolicyStore.open(db, 'policies');
  const security = loadSecurityConfig({
    NODE_ENV: 'development',
    CLAIM_RATE_LIMIT_PER_CLIENT: '0',
    CLAIM_RATE_LIMIT_PER_ACCOUNT: '0',
  });
  const app = createApp({
    db,
    // Lazy: it never connects, since intake writes the outbox and leaves the start to the worker's dispatcher.
    temporal: new TemporalClient(),
    policies,
    logger,
    taskQueue: 'intake-profile',
    claimTokenSecret: security.claimTokens.current,
    security,
    onClaimCommitted: claimStartNotifier(db, logger),
  });
  const profile = await profiler();
  const server = app.listen(0, '127.0.0.1', () => {
    const address = server.address();
    process.send!({ port: typeof address === 'object' && address ? address.port : 0 });
  });
  process.on('message', (ask: Ask) => void profile(ask).then(() => process.send!({ roundTrips } satisfies Reply)));
  process.once('SIGINT', () => server.close(() => void db.end().then(() => process.exit(0))));
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

function post(port: number, body: string, key?: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const headers: http.OutgoingHttpHeaders = {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(body),
    };
    if (key) headers['idempotency-key'] = key;
    const req = http.request({ host: '127.0.0.1', port, path: '/v1/claims', method: 'POST', agent, headers }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** The three intake paths measured: a known account without and with an Idempotency-Key, and an unknown account. */
const PHASES = [
  { name: 'unkeyed', what: 'known account, no Idempotency-Key', keyed: false, known: true },
  { name: 'keyed', what: 'known account, Idempotency-Key', keyed: true, known: true },
  { name: 'unmatched', what: 'unknown account, Idempotency-Key', keyed: true, known: false },
] as const;

type Phase = (typeof PHASES)[number];

/** Sends `count` claims, `inFlight` at a time; throws on any answer but 202. */
async function sendClaims(port: number, accounts: string[], count: number, inFlight: number, phase: Phase) {
  let next = 0;
  const lane = async () => {
    for (let i = next++; i < count; i = next++) {
      const body = JSON.stringify({
        accountId: phase.known ? accounts[i % accounts.length] : `acct_prof_unknown_${i % ACCOUNTS}`,
        reason: 'failed_request',
        requestIds: [`req_prof_${i}_${ulid()}`],
        explanation: 'intake profile',
      });
      const status = await post(port, body, phase.keyed ? `key-${ulid()}` : undefined);
      if (status !== 202) throw new Error(`claim ${i}: HTTP ${status}`);
    }
  };
  await Promise.all(Array.from({ length: inFlight }, lane));
}

/** The postmaster's pid when PostgreSQL runs on this machine (the parent of this session's backend), else undefined. */
async function postmasterPid(db: Db): Promise<number | undefined> {
  const { rows } = await db.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
  try {
    const stat = readFileSync(`/proc/${rows[0]!.pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return undefined;
  }
}

function ask(child: ChildProcess, what: Ask = { count: true }): Promise<Reply> {
  return new Promise((resolve) => {
    child.once('message', (m) => resolve(m as Reply));
    child.send(what);
  });
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      serve: { type: 'boolean', default: false },
      claims: { type: 'string', default: '2000' },
      'in-flight': { type: 'string', default: '4' },
      'log-level': { type: 'string', default: 'warn' },
      'cpu-prof': { type: 'string' },
      keep: { type: 'boolean', default: false },
    },
  });
  const logLevel = values['log-level']!;
  if (values.serve) return serve(process.env.DATABASE_URL!, logLevel);
  const log = (m: string) => void process.stderr.write(`${m}\n`);
  const claims = Number(values.claims);
  const inFlight = Number(values['in-flight']);
  const database = await benchDatabase('intake_profile', { keep: values.keep, poolSize: 2, log });
  const profileDir = values['cpu-prof'];
  const child = fork(__filename, ['--serve', '--log-level', logLevel], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, DATABASE_URL: database.url },
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  try {
    const { port } = await new Promise<{ port: number }>((resolve) =>
      child.once('message', (m) => resolve(m as never)),
    );
    const accounts = await insertIntakeBenchAccounts(database.db, 'acct_prof_', ACCOUNTS, POLICY);
    const pids = { api: child.pid, postgres: await postmasterPid(database.db) };
    // Warm-up on every path: JIT, the pool's connections, the statements' plans (a first phase ran slower after less).
    for (const phase of PHASES) await sendClaims(port, accounts, 1000, inFlight, phase);
    for (const phase of PHASES) {
      const file = profileDir && path.resolve(profileDir, `intake-${phase.name}.cpuprofile`);
      if (file) await ask(child, { profile: 'start' });
      const trips = (await ask(child)).roundTrips;
      const cpu = cpuMeter(pids);
      const t = performance.now();
      await sendClaims(port, accounts, claims, inFlight, phase);
      const seconds = (performance.now() - t) / 1000;
      const used = cpu();
      const tripsPerClaim = ((await ask(child)).roundTrips - trips) / claims;
      const perClaim = (ms: number | undefined) => ((ms ?? NaN) / claims).toFixed(2);
      log(
        `[intake-profile] ${phase.what.padEnd(34)}: ${claims} claims in ${seconds.toFixed(1)} s ` +
          `(${((seconds * 1000 * inFlight) / claims).toFixed(1)} ms each), CPU ms/claim: API ${perClaim(used.api)}, ` +
          `PostgreSQL ${perClaim(used.postgres)}; ${tripsPerClaim.toFixed(2)} round trips/claim`,
      );
      if (file) await ask(child, { profile: 'stop', file });
    }
  } finally {
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGINT');
    await exited;
    await database.close();
  }
}

void main().catch((err) => {
  console.error(err);
  process.exit(1);
});
