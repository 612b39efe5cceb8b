/**
 * How long the evidence check's ledger lookup (db/ledger.ts fetchLedgerFacts) takes for a claim that
 * names 1,000 request ids, against a ledger of millions of usage requests.
 *
 *   npx tsx bench/verify-claim.ts [--requests 3000000] [--accounts 2000] [--ids 1000] [--runs 20]
 *                                 [--warmup 3] [--plan] [--keep]
 *   npm run bench:verify
 *
 * Uses a throwaway database (bench/lib/database.ts: a new database on the DATABASE_URL server, or
 * an embedded PostgreSQL), migrates it, loads the ledger server-side with INSERT … SELECT
 * generate_series, then times fetchLedgerFacts `--runs` times, each for a different account's
 * claim (ids chosen in JS, so choosing them does not warm the database's cache), and reports
 * min / median / p95. It counts the statements fetchLedgerFacts sends (must be one) and checks
 * with EXPLAIN (ANALYZE, BUFFERS) that usage_requests and charges are read through indexes.
 * Exit code 1 when either check fails.
 */
import os from 'node:os';
import { parseArgs } from 'node:util';
import type { Queryable } from '../db';
import { readRequestsByIds } from '../db/bench-figures';
import { fetchLedgerFacts, type LedgerLookup } from '../db/ledger';
import {
  explain,
  insertSyntheticAccounts,
  ledgerTableSizes,
  loadSyntheticCharges,
  loadSyntheticOutages,
  loadSyntheticRequests,
  serverSetting,
  syntheticRequestId as requestId,
  vacuumAnalyzeLedger,
} from '../db/synthetic-ledger';
import { benchDatabase, int, quantile, seconds } from './lib/database';

export interface VerifyClaimParams {
  requests: number;
  accounts: number;
  ids: number;
  runs: number;
  warmup: number;
  outages: number;
  keep: boolean;
  log(line: string): void;
}

export interface VerifyClaimResult {
  /** The report lines the CLI prints. */
  lines: string[];
  /** fetchLedgerFacts wall times, ms, sorted. */
  timings: number[];
  /** The same claims' 1,000 ids read by primary key alone (readRequestsByIds), ms, sorted: the baseline. */
  pkTimings: number[];
  oneStatement: boolean;
  seqScanOnBigTables: boolean;
  textPlan: string[];
}

const CHARGES_PER_ACCOUNT = 25;
const DAYS = 90;
const LOAD_CHUNK = 250_000;

function parseCli(): VerifyClaimParams & { plan: boolean } {
  const { values: opts } = parseArgs({
    options: {
      requests: { type: 'string', default: '3000000' },
      accounts: { type: 'string', default: '2000' },
      ids: { type: 'string', default: '1000' },
      runs: { type: 'string', default: '20' },
      warmup: { type: 'string', default: '3' },
      outages: { type: 'string', default: '500' },
      plan: { type: 'boolean', default: false },
      keep: { type: 'boolean', default: false },
    },
  });
  return {
    requests: Number(opts.requests),
    accounts: Number(opts.accounts),
    ids: Number(opts.ids),
    runs: Number(opts.runs),
    warmup: Number(opts.warmup),
    outages: Number(opts.outages),
    keep: opts.keep,
    plan: opts.plan,
    log: (line) => void process.stderr.write(`${line}\n`),
  };
}

function checkParams(p: VerifyClaimParams): void {
  for (const [name, n] of Object.entries({
    requests: p.requests,
    accounts: p.accounts,
    ids: p.ids,
    runs: p.runs,
    outages: p.outages,
  })) {
    if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive integer`);
  }
  if (p.ids > p.requests / p.accounts) {
    throw new Error(
      `each account has ~${Math.floor(p.requests / p.accounts)} requests; a claim of ${p.ids} ids needs fewer --accounts`,
    );
  }
}

/** A claim for account `k`: IDS random request ids of that account, and one of its charges. */
function claimFor(
  { requests: REQUESTS, accounts: ACCOUNTS, ids: IDS }: VerifyClaimParams,
  k: number,
  seed: number,
): LedgerLookup {
  const perAccount = Math.floor((REQUESTS - k) / ACCOUNTS) + (k === 0 ? 0 : 1);
  // Account k holds i = k, k + A, k + 2A, … (i ≥ 1). Pick IDS distinct slots pseudo-randomly.
  const slots = new Set<number>();
  let x = (seed * 2_654_435_761 + k) >>> 0;
  while (slots.size < IDS) {
    x = (Math.imul(x, 1_103_515_245) + 12_345) >>> 0;
    slots.add(x % perAccount);
  }
  const first = k === 0 ? ACCOUNTS : k;
  const requestIds = [...slots].map((slot) => requestId(first + slot * ACCOUNTS));
  const chargesOfAccount = Math.floor((ACCOUNTS * CHARGES_PER_ACCOUNT - first) / ACCOUNTS) + 1;
  const tx = first + (seed % chargesOfAccount) * ACCOUNTS;
  return {
    claimId: `clm_bench_${seed}`,
    accountId: `acct_${k}`,
    requestIds,
    transactionId: `tx_${tx}`,
    invoiceNumber: null,
  };
}

interface PlanNode {
  'Node Type': string;
  'Subplan Name'?: string;
  'Actual Total Time'?: number;
  'Relation Name'?: string;
  'CTE Name'?: string;
  'Index Name'?: string;
  'Actual Rows'?: number;
  'Actual Loops'?: number;
  Plans?: PlanNode[];
}

function planBuffers(node: PlanNode): string {
  const n = (key: string) => Number((node as unknown as Record<string, unknown>)[key] ?? 0);
  return `shared buffers: ${int(n('Shared Hit Blocks'))} hit, ${int(n('Shared Read Blocks'))} read`;
}

/** Tables and CTEs a plan node reads. */
function touches(node: PlanNode, out = new Set<string>()): string[] {
  const name = node['Relation Name'] ?? node['CTE Name'];
  if (name) out.add(name);
  for (const child of node.Plans ?? []) touches(child, out);
  return [...out];
}

function scans(node: PlanNode, out: PlanNode[] = []): PlanNode[] {
  if (node['Relation Name'] || node['Index Name']) out.push(node);
  for (const child of node.Plans ?? []) scans(child, out);
  return out;
}

/** Loads the synthetic ledger into a throwaway database and times the evidence check's ledger lookup. */
export async function measureVerifyClaim(spec: VerifyClaimParams): Promise<VerifyClaimResult> {
  checkParams(spec);
  const { requests: REQUESTS, accounts: ACCOUNTS, ids: IDS, runs: RUNS, warmup: WARMUP, outages: OUTAGES, log } = spec;
  const started = Date.now();
  const bench = await benchDatabase('refund_desk_bench', { keep: spec.keep, poolSize: 4, log: (m) => log(m) });
  try {
    const { db } = bench;
    log(`[bench] ${bench.where}`);

    // --- load ------------------------------------------------------------------------------------
    const loadStarted = performance.now();
    await insertSyntheticAccounts(db, ACCOUNTS, 'pixazo-api');
    const chunks: [number, number][] = [];
    for (let from = 1; from <= REQUESTS; from += LOAD_CHUNK)
      chunks.push([from, Math.min(REQUESTS, from + LOAD_CHUNK - 1)]);
    let loaded = 0;
    // Two loaders: one per core.
    const loader = async () => {
      for (let chunk = chunks.shift(); chunk; chunk = chunks.shift()) {
        await loadSyntheticRequests(db, {
          from: chunk[0],
          to: chunk[1],
          total: REQUESTS,
          accounts: ACCOUNTS,
          days: DAYS,
        });
        loaded += chunk[1] - chunk[0] + 1;
        log(`[bench] usage_requests: ${int(loaded)} / ${int(REQUESTS)} (${seconds(performance.now() - loadStarted)})`);
      }
    };
    await Promise.all([
      loader(),
      loader(),
      loadSyntheticCharges(db, { count: ACCOUNTS * CHARGES_PER_ACCOUNT, accounts: ACCOUNTS, days: DAYS }),
      loadSyntheticOutages(db, { count: OUTAGES, days: DAYS }),
    ]);
    const insertedMs = performance.now() - loadStarted;
    await vacuumAnalyzeLedger(db);
    const loadMs = performance.now() - loadStarted;
    const sizes = await ledgerTableSizes(db);
    const sharedBuffers = await serverSetting(db, 'shared_buffers');
    log(
      `[bench] loaded in ${seconds(loadMs)} (inserts ${seconds(insertedMs)}, vacuum analyze ${seconds(loadMs - insertedMs)})`,
    );

    // --- time fetchLedgerFacts -------------------------------------------------------------------
    let statements = 0;
    let lastSql = '';
    let lastParams: unknown[] = [];
    const counting: Queryable = {
      // fetchLedgerFacts sends a named statement ({ name, text, values }); plain text works as well.
      query: ((config: string | { text: string; values?: unknown[] }, params?: unknown[]) => {
        statements++;
        lastSql = typeof config === 'string' ? config : config.text;
        lastParams = params ?? (typeof config === 'string' ? [] : (config.values ?? []));
        return typeof config === 'string' ? db.query(config, params) : db.query(config);
      }) as Queryable['query'],
    };

    let lastLookup: LedgerLookup | undefined;
    const timings: number[] = [];
    const pkTimings: number[] = [];
    const statementsPerCall = new Set<number>();
    const outagesFound: number[] = [];
    for (let r = 0; r < WARMUP + RUNS; r++) {
      const k = (r * 37 + 11) % ACCOUNTS;
      const lookup = claimFor(spec, k, r + 1);
      lastLookup = lookup;
      // Baseline: as many ids of another account read by primary key alone, equally fresh to the cache.
      const other = claimFor(spec, (k + Math.floor(ACCOUNTS / 2) + 1) % ACCOUNTS, r + 10_001);
      const tPk = performance.now();
      const found = await readRequestsByIds(db, other.requestIds);
      const pkMs = performance.now() - tPk;
      if (found !== IDS) throw new Error(`expected ${IDS} requests by primary key, got ${found}`);
      const before = statements;
      const t0 = performance.now();
      const facts = await fetchLedgerFacts(counting, lookup);
      const ms = performance.now() - t0;
      statementsPerCall.add(statements - before);
      if (facts.requests.length !== IDS) throw new Error(`expected ${IDS} requests, got ${facts.requests.length}`);
      if (facts.charges.length === 0) throw new Error(`the claimed charge ${lookup.transactionId} was not found`);
      if (r >= WARMUP) {
        timings.push(ms);
        pkTimings.push(pkMs);
        outagesFound.push(facts.outages.length);
      }
    }
    const sorted = [...timings].sort((a, b) => a - b);
    const ms = (v: number) => `${v.toFixed(1)} ms`;

    // --- EXPLAIN ----------------------------------------------------------------------------------
    // The statement fetchLedgerFacts sent last, with a claim it has not seen (so its pages are not all cached).
    const seen = lastLookup!;
    const fresh = claimFor(spec, ((WARMUP + RUNS) * 37 + 11) % ACCOUNTS, 999);
    const params = lastParams.map((p) =>
      p === seen.accountId
        ? fresh.accountId
        : p === seen.requestIds
          ? fresh.requestIds
          : p === seen.transactionId
            ? fresh.transactionId
            : p === seen.claimId
              ? fresh.claimId
              : p,
    );
    const planRows = await explain<{
      'QUERY PLAN': [{ Plan: PlanNode; 'Execution Time': number; 'Planning Time': number }];
    }>(db, 'ANALYZE, BUFFERS, FORMAT JSON', lastSql, params);
    const plan = planRows[0]!['QUERY PLAN'][0];
    const accessed = scans(plan.Plan);
    const seqOnBig = accessed.filter(
      (n) => n['Node Type'] === 'Seq Scan' && ['usage_requests', 'charges'].includes(n['Relation Name']!),
    );
    const buffers = await explain<{ 'QUERY PLAN': string }>(
      db,
      'ANALYZE, BUFFERS, COSTS OFF, TIMING OFF, SUMMARY OFF',
      lastSql,
      params,
    );
    const textPlan = buffers.map((r) => r['QUERY PLAN']);
    // The first EXPLAIN ran the statement; its buffer figures are the ones for a claim not seen before.
    const topBuffers = planBuffers(plan.Plan);

    // --- report -------------------------------------------------------------------------------------
    const oneStatement = statementsPerCall.size === 1 && statementsPerCall.has(1);
    const lines = [
      `verify-claim bench, ${new Date().toISOString().slice(0, 10)}: ${os.cpus().length} CPUs, ${bench.where}, shared_buffers ${sharedBuffers}`,
      `ledger: ${sizes.map((s) => `${s.rel} ${int(s.n)} rows (${s.size})`).join(', ')}, ${int(ACCOUNTS)} accounts; loaded in ${seconds(loadMs)}`,
      `claim: ${int(IDS)} request ids of one account (~${int(Math.floor(REQUESTS / ACCOUNTS))} requests each) + 1 transaction id;` +
        ` ${Math.min(...outagesFound)}–${Math.max(...outagesFound)} overlapping outages found per claim`,
      `fetchLedgerFacts x${RUNS} (a different account each run, after ${WARMUP} warm-up runs):` +
        ` min ${ms(sorted[0]!)}, median ${ms(quantile(sorted, 0.5))}, p95 ${ms(quantile(sorted, 0.95))}, max ${ms(sorted.at(-1)!)}`,
      `statements per call: ${[...statementsPerCall].join(', ')} ${oneStatement ? '(OK: one round trip)' : '(NOT OK: expected exactly 1)'}`,
      `EXPLAIN ANALYZE: planning ${ms(plan['Planning Time'])}, execution ${ms(plan['Execution Time'])}; ${topBuffers}`,
      ...accessed.map(
        (n) =>
          `  ${n['Node Type']}${n['Index Name'] ? ` using ${n['Index Name']}` : ''}${n['Relation Name'] ? ` on ${n['Relation Name']}` : ''}` +
          ` (rows ${n['Actual Rows']}, loops ${n['Actual Loops']})`,
      ),
      'time by part of the statement (EXPLAIN ANALYZE, ms):',
      ...(plan.Plan.Plans ?? []).map(
        (p) =>
          `  ${p['Subplan Name'] ?? p['Node Type']} [reads ${touches(p).join(', ')}]: ${(p['Actual Total Time'] ?? 0).toFixed(1)}`,
      ),
      seqOnBig.length
        ? `NOT OK: sequential scan on ${seqOnBig.map((n) => n['Relation Name']).join(', ')}`
        : 'OK: usage_requests and charges are read through indexes only',
      `total bench time ${seconds(Date.now() - started)}`,
    ];
    return {
      lines,
      timings: sorted,
      pkTimings: [...pkTimings].sort((a, b) => a - b),
      oneStatement,
      seqScanOnBigTables: seqOnBig.length > 0,
      textPlan,
    };
  } finally {
    await bench.close();
  }
}

async function main(): Promise<number> {
  const cli = parseCli();
  const result = await measureVerifyClaim(cli);
  process.stdout.write(`${result.lines.join('\n')}\n`);
  if (cli.plan) process.stdout.write(`\n${result.textPlan.join('\n')}\n`);
  return result.oneStatement && !result.seqScanOnBigTables ? 0 : 1;
}

if (require.main === module)
  main().then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(`verify-claim: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      process.exitCode = 1;
    },
  );
