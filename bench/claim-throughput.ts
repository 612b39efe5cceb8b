/**
 * P1, claim throughput: auto-decided claims end to end — `POST /v1/claims` until the claim is `closed`, its
 * credit written and its mails sent — at several sizes, against the engine's own limit measured in the same
 * run on the same server with the same worker settings: a bare workflow with 10 no-op activities (what an
 * auto-credited claim ran before the lean workflow). Also CPU milliseconds per claim of the worker, the API,
 * PostgreSQL and the Temporal dev server, each a separate process read through /proc.
 */
import { closedClaimOutcomes, resetStatementStats, statementTotals, topStatements } from '../db/bench-figures';
import type { Db } from '../db';
import { FINAL_STATUSES } from '../common/claim';
import type { BenchFigure } from './lib/suite';
import { driveBareWorkflows } from './lib/bare-driver';
import { driveClaims } from './lib/claim-driver';
import { quantile } from './lib/database';
import { counterOf, startApiProcess, startWorkerProcess, type DeskProcess } from './lib/desk-processes';
import { cpuMeter } from './lib/proc-stats';
import { holdToCpus } from './lib/cpu-quota';
import { autoCreditClaim, seedFailedCalls } from './lib/seed';
import type { InfraStack } from './lib/stack';
import { claimStartVisibility } from '../server/temporal';

/** The baseline's activity count: an auto-credited claim's before the lean workflow (issue #11). */
export const BARE_ACTIVITIES = 10;

export interface ThroughputOptions {
  sizes: number[];
  inFlight: number;
  /** The engine-bound run: claims and bare workflows with the dev server held to this many CPUs (0: no run). */
  engineCpus?: number;
  engineSize?: number;
  log(message: string): void;
}

const round = (n: number, digits = 2) => Number(n.toFixed(digits));

/** Statements listed after a run with BENCH_PG_STATS=1 (BENCH_PG_TOP to list more). */
const TOP_STATEMENTS = Number(process.env.BENCH_PG_TOP ?? 25);

/** Logs the statements that took PostgreSQL the most time since the reset, per claim. */
async function logTopStatements(db: Db, claims: number, log: (m: string) => void): Promise<void> {
  const top = await topStatements(db, TOP_STATEMENTS);
  const { calls, totalMs: total } = await statementTotals(db);
  const perClaim = (n: number) => (n / Math.max(1, claims)).toFixed(2);
  log(
    `[P1] pg_stat_statements: ${perClaim(calls)} top-level statements and ${perClaim(total)} ms per claim; ` +
      `the ${top.length} costliest (nested ones too), ms and calls per claim, share of the top-level time:`,
  );
  for (const s of top) {
    log(
      `[P1]   ${perClaim(s.totalMs).padStart(7)} ms ${perClaim(s.calls).padStart(6)} calls ` +
        `${((100 * s.totalMs) / total).toFixed(1).padStart(5)}% ${perClaim(s.blocks).padStart(8)} blks  ` +
        s.query.replace(/\s+/g, ' ').slice(0, 220),
    );
  }
}

/**
 * The claim's ceiling on this server: claim-shaped workflows whose every step does nothing (bench/lib/bare-workflow.ts),
 * after the claims, on the baseline's worker. Its ratio to the baseline bounds P1's ratio; the gap between it and
 * the claims is the claims' own work.
 */
async function measureClaimShape(
  infra: InfraStack,
  run: { size: number; inFlight: number; bareRate: number; log(message: string): void },
  taskQueue: string,
  tag: string,
): Promise<BenchFigure[]> {
  const cpu = cpuMeter({ temporal: infra.pids.temporal });
  const facts = { accountId: 'acct_bench_shape', policyId: 'pixazo-api', reason: 'failed_request' as const };
  const shaped = await driveBareWorkflows({
    temporalAddress: infra.temporalAddress,
    taskQueue,
    count: run.size,
    inFlight: run.inFlight,
    activities: 0,
    idPrefix: `shape-${tag}-${run.size}`,
    shape: { workflowType: 'claimShapedWorkflow', start: claimStartVisibility(facts) },
  });
  const rate = (shaped.completed / shaped.elapsedMs) * 1000;
  const temporalMs = round(cpu().temporal! / Math.max(1, shaped.completed), 1);
  run.log(`[P1] ceiling: ${run.size} claim-shaped no-op workflows at ${rate.toFixed(2)}/s`);
  return [
    {
      part: 'P1',
      name: `ceiling: claim-shaped workflows of no-op steps/s, ${run.size}, ${run.inFlight} in flight (after the claims)`,
      value: round(rate),
      unit: 'workflows/s',
      baseline: {
        name: `bare ${BARE_ACTIVITIES}-no-op-activity workflows/s`,
        value: round(run.bareRate),
        unit: 'workflows/s',
      },
      ratio: round(rate / run.bareRate),
      detail: {
        completed: shaped.completed,
        elapsedS: round(shaped.elapsedMs / 1000, 1),
        temporalCpuMsEach: temporalMs,
      },
    },
  ];
}

/** The processes P1 measures: the claims' API and worker, and the baseline's worker. */
interface P1Processes {
  infra: InfraStack;
  api: DeskProcess & { url: string };
  worker: DeskProcess & { metricsUrl: string };
  bare: DeskProcess;
  bareQueue: string;
  tag: string;
}

/** One measured pair: `size` bare workflows, then `size` claims, on the same server and settings. */
async function measurePair(
  p: P1Processes,
  size: number,
  run: { inFlight: number; label: string; log(m: string): void },
) {
  const { infra } = p;
  const { log } = run;
  const bareCpu = cpuMeter({ worker: p.bare.pid, temporal: infra.pids.temporal, postgres: infra.pids.postgres });
  const baseline = await driveBareWorkflows({
    temporalAddress: infra.temporalAddress,
    taskQueue: p.bareQueue,
    count: size,
    inFlight: run.inFlight,
    activities: BARE_ACTIVITIES,
    idPrefix: `bare-${p.tag}-${run.label}${size}`,
  });
  const bareCpuMs = bareCpu();
  const bareRate = (baseline.completed / baseline.elapsedMs) * 1000;
  log(`[P1] ${run.label}baseline: ${size} bare ${BARE_ACTIVITIES}-activity workflows at ${bareRate.toFixed(2)}/s`);

  const prefix = `p1_${p.tag}_${run.label}${size}`;
  await seedFailedCalls(infra.db, prefix, size);
  infra.sink?.clear();
  if (infra.pgStats) await resetStatementStats(infra.db);
  const eagerStarts = () => counterOf(p.worker.metricsUrl, 'refund_desk_claim_workflow_starts_total', 'eager="true"');
  const eagerBefore = (await eagerStarts()) || 0;
  const claimCpu = cpuMeter({
    worker: p.worker.pid,
    api: p.api.pid,
    postgres: infra.pids.postgres,
    temporal: infra.pids.temporal,
  });
  const claims = await driveClaims({
    apiUrl: p.api.url,
    db: infra.db,
    bodies: Array.from({ length: size }, (_, i) => autoCreditClaim(prefix, i)),
    inFlight: run.inFlight,
    doneAt: ['closed'],
    finalStatuses: FINAL_STATUSES,
    idPrefix: prefix,
    log,
  });
  const cpu = claimCpu();
  const eager = (await eagerStarts()) - eagerBefore;
  if (infra.pgStats) await logTopStatements(infra.db, claims.done, log);
  const outcomes = await closedClaimOutcomes(infra.db, claims.claimIds);
  const rate = (claims.done / claims.elapsedMs) * 1000;
  log(
    `[P1] ${run.label}${size} claims: ${claims.done} closed at ${rate.toFixed(2)}/s; credited ${outcomes.credited}, ` +
      `${outcomes.mails} mails, failed ${JSON.stringify(claims.failed)}`,
  );
  const ok = claims.done === size && outcomes.credited === claims.done && outcomes.claimsWithoutMail === 0;
  const perClaim = (ms: number) => round(ms / Math.max(1, claims.done), 1);
  const perBare = (ms: number) => round(ms / Math.max(1, baseline.completed), 1);
  return { baseline, bareRate, bareCpuMs, claims, cpu, eager, outcomes, rate, ok, perClaim, perBare };
}

type Pair = Awaited<ReturnType<typeof measurePair>>;

/** The claims/s row of a pair, with the target and what the run checked. */
function throughputFigure(pair: Pair, name: string): BenchFigure {
  const { claims, baseline, outcomes, rate, bareRate } = pair;
  const posts = [...claims.postMs].sort((a, b) => a - b);
  return {
    part: 'P1',
    name,
    value: round(rate),
    unit: 'claims/s',
    baseline: {
      name: `bare ${BARE_ACTIVITIES}-no-op-activity workflows/s`,
      value: round(bareRate),
      unit: 'workflows/s',
    },
    ratio: round(rate / bareRate),
    target: '≥ 2× bare',
    met: pair.ok && rate / bareRate >= 2,
    detail: {
      claims: claims.claimIds.length,
      closed: claims.done,
      credited: outcomes.credited,
      mailsRecorded: outcomes.mails,
      claimsWithoutMail: outcomes.claimsWithoutMail,
      notClosed: JSON.stringify(claims.failed),
      httpErrors: claims.httpErrors,
      elapsedS: round(claims.elapsedMs / 1000, 1),
      bareElapsedS: round(baseline.elapsedMs / 1000, 1),
      postP50Ms: round(quantile(posts, 0.5), 1),
      postP99Ms: round(quantile(posts, 0.99), 1),
      // Starts that came back with their first workflow task (the dispatcher shares the worker's connection).
      eagerStarts: pair.eager,
    },
  };
}

/** CPU ms per claim of one process, against the same per bare workflow. */
function cpuFigure(pair: Pair, part: 'worker' | 'temporal' | 'postgres', label: string): BenchFigure {
  const { cpu, bareCpuMs, claims, baseline } = pair;
  return {
    part: 'P1',
    name: `${part} CPU ms per claim, ${label} (lower is better)`,
    value: pair.perClaim(cpu[part]!),
    unit: 'ms',
    baseline: { name: `${part} CPU ms per bare workflow`, value: pair.perBare(bareCpuMs[part]!), unit: 'ms' },
    ...(bareCpuMs[part]! > 0 && {
      ratio: round(cpu[part]! / claims.done / (bareCpuMs[part]! / baseline.completed)),
    }),
  };
}

/** Every figure of one size on the shared machine, the ceiling included. */
async function sizeFigures(p: P1Processes, size: number, options: ThroughputOptions): Promise<BenchFigure[]> {
  const pair = await measurePair(p, size, { inFlight: options.inFlight, label: '', log: options.log });
  const label = `${size} claims`;
  return [
    throughputFigure(pair, `auto-credited claims/s end to end, ${size} claims, ${options.inFlight} in flight`),
    ...(['worker', 'temporal', 'postgres'] as const).map((part) => cpuFigure(pair, part, label)),
    { part: 'P1', name: `API CPU ms per claim, ${label}`, value: pair.perClaim(pair.cpu.api!), unit: 'ms' },
    {
      part: 'P1',
      name: `bench process (load driver, mail sink) CPU ms per claim, ${label}`,
      value: pair.perClaim(pair.cpu.bench!),
      unit: 'ms',
      baseline: {
        name: 'bench process CPU ms per bare workflow',
        value: pair.perBare(pair.bareCpuMs.bench!),
        unit: 'ms',
      },
    },
    ...(await measureClaimShape(
      p.infra,
      { size, inFlight: options.inFlight, bareRate: pair.bareRate, log: options.log },
      p.bareQueue,
      p.tag,
    )),
  ];
}

/**
 * The same pair with the engine as the bound: the dev server held to `cpus` CPUs (bench/lib/cpu-quota.ts), the rest
 * of the machine left to the worker, the API, PostgreSQL and the load. This is what the target's "a claim costing
 * the engine less than 10 plain activities do" buys where the engine is the scarce part (a shared cluster, Temporal
 * Cloud), which a 2-core machine running everything cannot show: there the claims' own work shares the cores.
 */
async function engineBoundFigures(p: P1Processes, options: ThroughputOptions): Promise<BenchFigure[]> {
  const { engineCpus, engineSize } = options;
  if (!engineCpus || !engineSize) return [];
  const enginePid = p.infra.pids.temporal;
  const hold = enginePid
    ? holdToCpus(enginePid, engineCpus, `refund-desk-bench-${p.tag}`)
    : { unavailable: 'the engine is not a process this bench started (TEMPORAL_ADDRESS)' };
  if ('unavailable' in hold) {
    options.log(`[P1] engine-bound run skipped: ${hold.unavailable}`);
    return [];
  }
  const label = `engine-bound (dev server held to ${engineCpus} CPU): `;
  try {
    const pair = await measurePair(p, engineSize, { inFlight: options.inFlight, label, log: options.log });
    return [
      throughputFigure(pair, `${label}auto-credited claims/s, ${engineSize} claims, ${options.inFlight} in flight`),
      cpuFigure(pair, 'temporal', `${label}${engineSize} claims`),
    ];
  } finally {
    hold.release();
  }
}

export async function measureClaimThroughput(infra: InfraStack, options: ThroughputOptions): Promise<BenchFigure[]> {
  const { log } = options;
  const tag = `${process.pid}`;
  const claimQueue = `bench-p1-${tag}`;
  const bareQueue = `bench-bare-${tag}`;
  const { freePort } = await import('../scripts/lib/proc.mjs');
  const running: DeskProcess[] = [];
  const figures: BenchFigure[] = [];
  try {
    const api = await startApiProcess({ infra, taskQueue: claimQueue, log }, await freePort());
    running.push(api);
    const worker = await startWorkerProcess({ infra, taskQueue: claimQueue, log });
    running.push(worker);
    const bare = await startWorkerProcess({ infra, taskQueue: bareQueue, log }, 'bench/lib/bare-worker.ts', 'bare');
    running.push(bare);
    log(`[P1] API ${api.url} (pid ${api.pid}), worker pid ${worker.pid}, bare worker pid ${bare.pid}`);
    const processes = { infra, api, worker, bare, bareQueue, tag };
    // Baseline first, then the claims, on the same server and settings.
    for (const size of options.sizes) figures.push(...(await sizeFigures(processes, size, options)));
    figures.push(...(await engineBoundFigures(processes, options)));
  } finally {
    for (const p of running.reverse()) await p.stop();
  }
  return figures;
}
