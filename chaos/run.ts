/**
 * `npm run chaos`: faults injected on purpose into the real dev stack (embedded PostgreSQL, the Temporal dev
 * server, the mail sink, the API and the worker as separate processes), then every case is checked.
 *
 *   npm run chaos              every activity boundary of the three money paths, at least 100 SIGKILLs,
 *                              two Temporal and two PostgreSQL restarts, six SMTP sessions cut
 *   npm run chaos -- --short   10 SIGKILLs, one restart of each, two cut sessions (CI)
 *
 * Exits non-zero on any duplicate or loss. Ports: 47xxx (PG_PORT, TEMPORAL_PORT, …); data in .data/chaos.
 */
import path from 'node:path';
import { createDb, type Db } from '../db';
import { auditClaim } from '../db/chaos-audit';
import { allBoundaries, killRounds, readTrace, sequenceOf, type Boundary, type PathSequence } from './boundaries';
import { writeWorkerBundle, writeWorkflowBundle } from './bundle';
import { CaseDriver, newCase, PATHS, seedCases, startCase, type ChaosCase, type PathName } from './cases';
import { checkCases, type Expected } from './checks';
import { injectSmtpCuts } from './mail-faults';
import { ChaosStack, chaosPorts } from './stack';
import { printTable, type Row } from './table';

const repoRoot = path.resolve(__dirname, '..');
const short = process.argv.includes('--short');
const SETTINGS = short
  ? { kills: 10, perKill: 2, restarts: 1, perRestart: 2, smtpCuts: 2 }
  : { kills: 100, perKill: 2, restarts: 2, perRestart: 3, smtpCuts: 6 };
/** A kill that has not happened by then is counted as missed (and the worker killed anyway). */
const BOUNDARY_TIMEOUT_MS = 45_000;
/** Interrupted activities wait out their start-to-close timeout before a retry: allow several. */
const SETTLE_MS = 6 * 60_000;

const t0 = Date.now();
const log = (line: string) => process.stderr.write(`[chaos ${((Date.now() - t0) / 1000).toFixed(1)}s] ${line}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Seeds and starts `count` cases of each path given. */
async function openCases(stack: ChaosStack, paths: readonly PathName[], count: number): Promise<ChaosCase[]> {
  const cases = paths.flatMap((p) => Array.from({ length: count }, () => newCase(p)));
  await seedCases(stack.apiUrl, cases);
  await Promise.all(cases.map((c) => startCase(stack.apiUrl, c)));
  return cases;
}

/** A run without faults: the paths' activity sequences (the boundaries) and the outcome to expect. */
async function cleanRun(stack: ChaosStack, driver: CaseDriver, db: Db) {
  const worker = await stack.startWorker(null, true);
  const cases = await openCases(stack, PATHS, 1);
  driver.add(cases);
  await driver.settle(cases, 120_000);
  await stack.stopWorker();
  void worker;
  const trace = readTrace(stack.traceFile);
  const sequences: PathSequence[] = cases.map((c) => sequenceOf(c.path, trace, c.workflowId));
  const credit = await auditClaim(db, cases.find((c) => c.path === 'credit')!.claimId!);
  const expected: Expected = { creditStatus: credit?.status ?? 'missing', creditMinor: credit?.creditMinor ?? 0 };
  for (const s of sequences) {
    const local = s.activities.filter((a) => a.isLocal).length;
    log(
      `${s.path}: ${s.activities.length} activities (${local} local): ${s.activities.map((a) => a.activity).join(' → ')}`,
    );
  }
  return { cases, sequences, expected };
}

/** One SIGKILL per boundary: fresh cases, a worker armed for them, wait for it to die. */
async function killAtBoundaries(stack: ChaosStack, driver: CaseDriver, rounds: Boundary[]) {
  const cases: ChaosCase[] = [];
  const killed = new Map<PathName, number>();
  const casesByPath = new Map<PathName, ChaosCase[]>();
  let missed = 0;
  const spent = { open: 0, start: 0, run: 0 };
  const msByPath = new Map<PathName, number>();
  for (const [i, b] of rounds.entries()) {
    const roundStart = Date.now();
    let t = Date.now();
    const batch = await openCases(stack, [b.path], SETTINGS.perKill);
    spent.open += Date.now() - t;
    t = Date.now();
    cases.push(...batch);
    casesByPath.set(b.path, [...(casesByPath.get(b.path) ?? []), ...batch]);
    driver.add(batch);
    const plan = { workflowIds: batch.map((c) => c.workflowId), ...b };
    const worker = await stack.startWorker(plan);
    spent.start += Date.now() - t;
    t = Date.now();
    const how = await Promise.race([worker.exited, sleep(BOUNDARY_TIMEOUT_MS).then(() => 'timeout')]);
    spent.run += Date.now() - t;
    if (how === 'SIGKILL') {
      killed.set(b.path, (killed.get(b.path) ?? 0) + 1);
    } else {
      missed++;
      log(`round ${i + 1}: ${b.phase} ${b.activity}#${b.occurrence} (${b.path}) not reached (${how}); killing anyway`);
      worker.child.kill('SIGKILL');
      await worker.exited;
    }
    msByPath.set(b.path, (msByPath.get(b.path) ?? 0) + Date.now() - roundStart);
    if ((i + 1) % 10 === 0) {
      const avg = (ms: number) => `${(ms / (i + 1) / 1000).toFixed(1)} s`;
      log(
        `${i + 1}/${rounds.length} kills; per kill: cases opened in ${avg(spent.open)}, worker up in ${avg(spent.start)}, boundary reached in ${avg(spent.run)}`,
      );
    }
  }
  return { cases, casesByPath, killed, missed, msByPath };
}

/** Restarts a piece of infrastructure while cases of every path are in flight. */
async function restartWhileInFlight(
  stack: ChaosStack,
  driver: CaseDriver,
  what: 'temporal' | 'postgres',
): Promise<ChaosCase[]> {
  const cases: ChaosCase[] = [];
  for (let i = 0; i < SETTINGS.restarts; i++) {
    const batch = await openCases(stack, PATHS, SETTINGS.perRestart);
    cases.push(...batch);
    driver.add(batch);
    await sleep(1_000);
    const ms = what === 'temporal' ? await stack.restartTemporal() : await stack.restartPostgres();
    log(`${what} restarted in ${ms} ms with ${batch.length} cases in flight`);
    await sleep(2_000);
  }
  return cases;
}

async function main(): Promise<number> {
  const dataDir = path.resolve(repoRoot, process.env.DEV_DATA_DIR ?? '.data/chaos');
  ChaosStack.prepare(dataDir);
  const stack = new ChaosStack(
    dataDir,
    chaosPorts(),
    path.join(dataDir, 'workflows.js'),
    path.join(dataDir, 'trace.ndjson'),
    path.join(dataDir, 'chaos-worker.js'),
  );
  // Ctrl-C: stop the stack (API, workers, Temporal, PostgreSQL) instead of leaving it running.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => void stack.stopAll().finally(() => process.exit(130)));
  }
  const rows: Row[] = [];
  let db: Db | undefined;
  let driver: CaseDriver | undefined;
  try {
    await Promise.all([
      stack.startInfra(log),
      writeWorkflowBundle(stack.bundlePath),
      writeWorkerBundle(stack.workerScript),
    ]);
    await stack.startApi();
    db = createDb(stack.pg.url, 4);
    driver = new CaseDriver(stack.apiUrl, db);
    log(`stack up: API ${stack.apiUrl}, Temporal ${stack.temporal.address}, data in ${dataDir}`);

    const phase = Date.now();
    const clean = await cleanRun(stack, driver, db);
    const cleanFound = await checkCases(db, stack.sink, clean.cases, clean.expected);
    rows.push({
      fault: 'none (the run that sets the expectations)',
      injected: 0,
      cases: clean.cases,
      found: cleanFound,
      ms: Date.now() - phase,
    });

    const boundaries = allBoundaries(clean.sequences);
    // The full run kills at every boundary (and at least 100 times); the short one spreads its kills over them.
    const rounds = killRounds(boundaries, short ? SETTINGS.kills : Math.max(SETTINGS.kills, boundaries.length));
    log(`${boundaries.length} boundaries; ${rounds.length} kills planned`);
    const kills = await killAtBoundaries(stack, driver, rounds);
    await stack.startWorker(null);
    stack.supervise(log);

    let t = Date.now();
    const temporalCases = await restartWhileInFlight(stack, driver, 'temporal');
    const temporalMs = Date.now() - t;
    t = Date.now();
    const pgCases = await restartWhileInFlight(stack, driver, 'postgres');
    const pgMs = Date.now() - t;
    t = Date.now();
    const smtp = await injectSmtpCuts(stack, driver, db, SETTINGS.smtpCuts);
    const smtpMs = Date.now() - t;

    log('waiting for every case to settle');
    await driver.settle(driver.cases, SETTLE_MS);
    for (const p of PATHS) {
      const cases = kills.casesByPath.get(p) ?? [];
      const found = await checkCases(db, stack.sink, cases, clean.expected);
      rows.push({
        fault: `worker SIGKILL at activity boundaries: ${p}`,
        injected: kills.killed.get(p) ?? 0,
        cases,
        found,
        ms: kills.msByPath.get(p) ?? 0,
      });
    }
    if (kills.missed) log(`${kills.missed} planned kills found no boundary (the worker was killed anyway)`);
    rows.push({
      fault: 'Temporal dev server restart',
      injected: SETTINGS.restarts,
      cases: temporalCases,
      found: await checkCases(db, stack.sink, temporalCases, clean.expected),
      ms: temporalMs,
    });
    rows.push({
      fault: 'PostgreSQL restart',
      injected: SETTINGS.restarts,
      cases: pgCases,
      found: await checkCases(db, stack.sink, pgCases, clean.expected),
      ms: pgMs,
    });
    const smtpFound = await checkCases(db, stack.sink, smtp.cases, clean.expected);
    smtpFound.duplicates.push(...smtp.found.duplicates);
    smtpFound.losses.push(...smtp.found.losses);
    rows.push({
      fault: 'inbound SMTP session cut during DATA',
      injected: smtp.cuts,
      cases: smtp.cases,
      found: smtpFound,
      ms: smtpMs,
    });
  } finally {
    await driver?.stop();
    await db?.end().catch(() => undefined);
    await stack.stopAll();
  }
  const code = printTable(rows, Date.now() - t0);
  if (stack.crashes.length) console.log(`process crashes (restarted): ${stack.crashes.join('; ')}`);
  return code;
}

void main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err);
    process.exit(2);
  },
);
