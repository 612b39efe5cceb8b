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
import { startApiProcess, startWorkerProcess, type DeskProcess } from './lib/desk-processes';
import { cpuMeter } from './lib/proc-stats';
import { autoCreditClaim, seedFailedCalls } from './lib/seed';
import type { InfraStack } from './lib/stack';
import { claimStartVisibility } from '../server/temporal';

/** The baseline's activity count: an auto-credited claim's before the lean workflow (issue #11). */
export const BARE_ACTIVITIES = 10;

export interface ThroughputOptions {
  sizes: number[];
  inFlight: number;
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

    for (const size of options.sizes) {
      // Baseline first, then the claims, on the same server and settings.
      const bareCpu = cpuMeter({ worker: bare.pid, temporal: infra.pids.temporal, postgres: infra.pids.postgres });
      const baseline = await driveBareWorkflows({
        temporalAddress: infra.temporalAddress,
        taskQueue: bareQueue,
        count: size,
        inFlight: options.inFlight,
        activities: BARE_ACTIVITIES,
        idPrefix: `bare-${tag}-${size}`,
      });
      const bareCpuMs = bareCpu();
      const bareRate = (baseline.completed / baseline.elapsedMs) * 1000;
      log(`[P1] baseline: ${size} bare ${BARE_ACTIVITIES}-activity workflows at ${bareRate.toFixed(2)}/s`);

      const prefix = `p1_${tag}_${size}`;
      await seedFailedCalls(infra.db, prefix, size);
      infra.sink?.clear();
      if (infra.pgStats) await resetStatementStats(infra.db);
      const claimCpu = cpuMeter({
        worker: worker.pid,
        api: api.pid,
        postgres: infra.pids.postgres,
        temporal: infra.pids.temporal,
      });
      const run = await driveClaims({
        apiUrl: api.url,
        db: infra.db,
        bodies: Array.from({ length: size }, (_, i) => autoCreditClaim(prefix, i)),
        inFlight: options.inFlight,
        doneAt: ['closed'],
        finalStatuses: FINAL_STATUSES,
        idPrefix: prefix,
        log,
      });
      const cpu = claimCpu();
      if (infra.pgStats) await logTopStatements(infra.db, run.done, log);
      const outcomes = await closedClaimOutcomes(infra.db, run.claimIds);
      const rate = (run.done / run.elapsedMs) * 1000;
      const perClaim = (ms: number) => round(ms / Math.max(1, run.done), 1);
      const perBare = (ms: number) => round(ms / Math.max(1, baseline.completed), 1);
      const posts = [...run.postMs].sort((a, b) => a - b);
      log(
        `[P1] ${size} claims: ${run.done} closed at ${rate.toFixed(2)}/s; credited ${outcomes.credited}, ` +
          `${outcomes.mails} mails, failed ${JSON.stringify(run.failed)}`,
      );
      const ok = run.done === size && outcomes.credited === run.done && outcomes.claimsWithoutMail === 0;
      figures.push({
        part: 'P1',
        name: `auto-credited claims/s end to end, ${size} claims, ${options.inFlight} in flight`,
        value: round(rate),
        unit: 'claims/s',
        baseline: {
          name: `bare ${BARE_ACTIVITIES}-no-op-activity workflows/s`,
          value: round(bareRate),
          unit: 'workflows/s',
        },
        ratio: round(rate / bareRate),
        target: '≥ 2× bare',
        met: ok && rate / bareRate >= 2,
        detail: {
          claims: size,
          closed: run.done,
          credited: outcomes.credited,
          mailsRecorded: outcomes.mails,
          claimsWithoutMail: outcomes.claimsWithoutMail,
          notClosed: JSON.stringify(run.failed),
          httpErrors: run.httpErrors,
          elapsedS: round(run.elapsedMs / 1000, 1),
          bareElapsedS: round(baseline.elapsedMs / 1000, 1),
          postP50Ms: round(quantile(posts, 0.5), 1),
          postP99Ms: round(quantile(posts, 0.99), 1),
        },
      });
      for (const part of ['worker', 'temporal', 'postgres'] as const) {
        figures.push({
          part: 'P1',
          name: `${part} CPU ms per claim, ${size} claims (lower is better)`,
          value: perClaim(cpu[part]!),
          unit: 'ms',
          baseline: { name: `${part} CPU ms per bare workflow`, value: perBare(bareCpuMs[part]!), unit: 'ms' },
          ...(bareCpuMs[part]! > 0 && {
            ratio: round(cpu[part]! / run.done / (bareCpuMs[part]! / baseline.completed)),
          }),
        });
      }
      figures.push({ part: 'P1', name: `API CPU ms per claim, ${size} claims`, value: perClaim(cpu.api!), unit: 'ms' });
      figures.push({
        part: 'P1',
        name: `bench process (load driver, mail sink) CPU ms per claim, ${size} claims`,
        value: perClaim(cpu.bench!),
        unit: 'ms',
        baseline: { name: 'bench process CPU ms per bare workflow', value: perBare(bareCpuMs.bench!), unit: 'ms' },
      });
      figures.push(
        ...(await measureClaimShape(infra, { size, inFlight: options.inFlight, bareRate, log }, bareQueue, tag)),
      );
    }
  } finally {
    for (const p of running.reverse()) await p.stop();
  }
  return figures;
}
