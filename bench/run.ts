/**
 * `npm run bench`: the claim path's benchmark suite (issue #11), each figure measured in one run as a ratio
 * to a baseline from the same run. Starts the real dev stack (bench/lib/stack.ts; or DATABASE_URL /
 * TEMPORAL_ADDRESS), runs the parts, prints one table and writes bench/results/<date>.json.
 *
 *   npm run bench                          # everything, full size (long: see bench/README.md)
 *   npm run bench -- --quick               # small counts: checks the bench works; not figures to quote
 *   npm run bench -- --only P1,P3          # some parts: P1 P2 P3 P4 P5, E (engine pragmas), C (ceiling)
 *   npm run bench -- --p1-sizes 200,1000 --in-flight 20 --p3-claims 2000 --p4-rows 3000000 \
 *                    --c-rates 1,2,4 --e-workflows 300 --engine-cpus 0.5 --engine-size 500   # 0: no engine-bound run
 *
 * Parts: P1 claim throughput, P2 intake latency, P3 timers at scale, P4 evidence check, P5 history size,
 * E the dev server with and without its SQLite pragmas, C the dev server's ceiling (claim rate at which
 * latency or errors climb).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { measureClaimThroughput } from './claim-throughput';
import { measureCeiling } from './ceiling';
import { measureEnginePragmas } from './engine-pragmas';
import { measureEvidenceCheck } from './evidence-check';
import { measureTimersAtScale } from './timers-at-scale';
import { startApiProcess, startWorkerProcess, type DeskProcess } from './lib/desk-processes';
import { machine, renderTable, resultsFile, saveResults, type BenchRun } from './lib/report';
import { startInfra, type InfraStack } from './lib/stack';
import type { BenchFigure, BenchOptions, BenchPart, BenchStack } from './lib/suite';
import { DEMO_STAFF_KEYS } from '../server/demo-data';
import { workerTuningFromEnv } from '../worker/tuning';

const { values: opts } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    only: { type: 'string' },
    'p1-sizes': { type: 'string' },
    'in-flight': { type: 'string' },
    'engine-cpus': { type: 'string' },
    'engine-size': { type: 'string' },
    'p3-claims': { type: 'string' },
    'p4-rows': { type: 'string' },
    'e-workflows': { type: 'string' },
    'c-rates': { type: 'string' },
    keep: { type: 'boolean', default: false },
  },
});
const quick = opts.quick;
const ALL = ['P1', 'P2', 'P3', 'P4', 'P5', 'E', 'C'];
const only = (opts.only ?? ALL.join(',')).split(',').map((p) => p.trim().toUpperCase());
for (const p of only) if (!ALL.includes(p)) throw new Error(`--only: unknown part ${p}; parts are ${ALL.join(', ')}`);
const listOf = (raw: string | undefined, fallback: number[]) => (raw ? raw.split(',').map(Number) : fallback);
const sizes = listOf(opts['p1-sizes'], quick ? [30] : [200, 1_000, 5_000]);
const inFlight = Number(opts['in-flight'] ?? 20);
// P1's engine-bound run: the dev server held to half a core, where it, not the shared cores, is the bound.
const engineCpus = Number(opts['engine-cpus'] ?? 0.5);
const engineSize = Number(opts['engine-size'] ?? (quick ? 30 : 500));
const p3Claims = Number(opts['p3-claims'] ?? (quick ? 60 : 10_000));
const p4Rows = Number(opts['p4-rows'] ?? (quick ? 200_000 : 10_000_000));
const eWorkflows = opts['e-workflows'] ? Number(opts['e-workflows']) : undefined;
const cRates = opts['c-rates'] ? listOf(opts['c-rates'], []) : undefined;

const log = (line: string): void => {
  process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${line}\n`);
};
const repoRoot = path.resolve(__dirname, '..');

/**
 * P2 (bench/intake-latency.ts, measureIntakeLatency) and P5 (bench/history-size.ts, measureHistorySize) are
 * written in other branches against bench/lib/suite.ts; they run here when their file is in the tree.
 */
const SUITE_PARTS: Record<string, { file: string; exportName: string }> = {
  P2: { file: 'intake-latency', exportName: 'measureIntakeLatency' },
  P5: { file: 'history-size', exportName: 'measureHistorySize' },
};

async function loadSuitePart(part: string): Promise<BenchPart | undefined> {
  const { file, exportName } = SUITE_PARTS[part]!;
  if (!existsSync(path.join(__dirname, `${file}.ts`))) return undefined;
  const modulePath = `./${file}`; // a variable: the module may be absent in this tree
  const mod = (await import(modulePath)) as Record<string, BenchPart | undefined>;
  return mod[exportName];
}

/** An API and a worker on a task queue of their own, for the parts written against BenchStack. */
async function suiteStack(infra: InfraStack): Promise<{ stack: BenchStack; stop(): Promise<void> }> {
  const { freePort } = await import('../scripts/lib/proc.mjs');
  const taskQueue = `bench-suite-${process.pid}`;
  const running: DeskProcess[] = [];
  // The dev stack's demo staff keys, which the parts' staff steps use (as against `npm run dev`).
  const env = {
    STAFF_API_KEYS: Object.entries(DEMO_STAFF_KEYS)
      .map(([role, key]) => `${role}:demo-${role}:${key}`)
      .join(','),
  };
  const api = await startApiProcess({ infra, taskQueue, log, env }, await freePort());
  running.push(api);
  running.push(await startWorkerProcess({ infra, taskQueue, log, env }));
  return {
    stack: {
      apiUrl: api.url,
      temporalAddress: infra.temporalAddress,
      namespace: 'default',
      taskQueue,
      databaseUrl: infra.databaseUrl,
      apiPid: api.pid,
    },
    stop: async () => {
      for (const p of running.reverse()) await p.stop();
    },
  };
}

async function main(): Promise<number> {
  const startedAt = new Date().toISOString();
  const file = resultsFile(startedAt, quick);
  const figures: BenchFigure[] = [];
  const errors: BenchRun['errors'] = [];
  const result: BenchRun = {
    startedAt,
    finishedAt: null,
    command: `npm run bench -- ${process.argv.slice(2).join(' ')}`.trim(),
    quick,
    machine: machine(),
    stack: 'not started',
    workerTuning: workerTuningFromEnv(),
    figures,
    errors,
  };
  const run = async (part: string, body: () => Promise<BenchFigure[]>) => {
    if (!only.includes(part)) return;
    const t0 = Date.now();
    log(`[bench] ${part} …`);
    try {
      const got = await body();
      figures.push(...got);
      log(`[bench] ${part} done in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
    } catch (err) {
      const message = err instanceof Error ? (err.stack ?? err.message) : String(err);
      errors.push({ part, message });
      log(`[bench] ${part} failed: ${message}`);
    }
    saveResults(file, result);
  };

  const needsInfra = only.some((p) => ['P1', 'P2', 'P3', 'P5', 'C'].includes(p));
  const infra = needsInfra
    ? await startInfra({ dataDir: path.join(repoRoot, '.data', `bench-${process.pid}`), keep: opts.keep, log })
    : undefined;
  try {
    if (infra) log(`[bench] stack: ${infra.where}`);
    result.stack = infra?.where ?? 'no shared stack';
    const options: BenchOptions = { quick, log };
    await run('P1', () => measureClaimThroughput(infra!, { sizes, inFlight, engineCpus, engineSize, log }));
    for (const part of ['P2', 'P5']) {
      await run(part, async () => {
        const measure = await loadSuitePart(part);
        if (!measure) {
          log(`[bench] ${part}: bench/${SUITE_PARTS[part]!.file}.ts is not in this tree; skipped`);
          return [];
        }
        const suite = await suiteStack(infra!);
        try {
          return await measure(suite.stack, options);
        } finally {
          await suite.stop();
        }
      });
    }
    // The ceiling before P3, which leaves its claims open on the server.
    await run('C', () => measureCeiling(infra!, { quick, rates: cRates, log }));
    await run('P3', () => measureTimersAtScale(infra!, { claims: p3Claims, quick, log }));
  } finally {
    await infra?.stop();
  }
  // Their own servers: a throwaway database, fresh dev servers.
  await run('P4', () => measureEvidenceCheck({ rows: p4Rows, quick, log }));
  await run('E', () =>
    measureEnginePragmas({
      quick,
      workflows: eWorkflows,
      log,
      dataDir: path.join(repoRoot, '.data', `bench-engine-${process.pid}`),
    }),
  );

  result.finishedAt = new Date().toISOString();
  saveResults(file, result);
  process.stdout.write(`\n${renderTable(figures)}\n\n`);
  if (errors.length) process.stdout.write(`parts that failed: ${errors.map((e) => e.part).join(', ')}\n`);
  process.stdout.write(
    `${quick ? 'quick run (small counts, not figures to quote); ' : ''}results in ${path.relative(process.cwd(), file)}\n`,
  );
  return errors.length ? 1 : 0;
}

// Ctrl-C: the 'exit' hooks of scripts/lib and bench/lib/desk-processes stop the servers and processes.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    log(`[bench] ${signal}: stopping; figures so far are in bench/results/`);
    process.exit(130);
  });
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`bench: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
