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
import { createHash } from 'node:crypto';
import os from 'node:os';
import { parseArgs } from 'node:util';
import type { Queryable } from '../db';
import { fetchLedgerFacts, type LedgerLookup } from '../db/ledger';
import { benchDatabase, int, quantile, seconds } from './lib/database';

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
const REQUESTS = Number(opts.requests);
const ACCOUNTS = Number(opts.accounts);
const IDS = Number(opts.ids);
const RUNS = Number(opts.runs);
const WARMUP = Number(opts.warmup);
const CHARGES_PER_ACCOUNT = 25;
const OUTAGES = Number(opts.outages);
const DAYS = 90;
const LOAD_CHUNK = 250_000;

for (const [name, n] of Object.entries({ REQUESTS, ACCOUNTS, IDS, RUNS, OUTAGES })) {
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name.toLowerCase()} must be a positive integer`);
}
if (IDS > REQUESTS / ACCOUNTS) {
  throw new Error(`each account has ~${Math.floor(REQUESTS / ACCOUNTS)} requests; a claim of ${IDS} ids needs fewer --accounts`);
}

const log = (line: string): void => {
  process.stderr.write(`${line}\n`);
};

/** Request i (1-based) belongs to account i % ACCOUNTS; ids are md5-based, so the key index is in random order. */
const requestId = (i: number): string => `req_${createHash('md5').update(String(i)).digest('hex')}`;

const LOAD_REQUESTS = `
INSERT INTO usage_requests (request_id, account_id, endpoint, model, http_status, outcome, amount_minor, currency,
                            output_delivered, started_at, completed_at)
SELECT 'req_' || md5(i::text),
       'acct_' || (i % $3),
       (ARRAY['/v1/chat/completions', '/v1/images/generations', '/v1/embeddings', '/v1/audio/speech'])[1 + i % 4],
       CASE WHEN i % 7 = 0 THEN NULL ELSE 'model-' || (i % 3) END,
       s.status,
       CASE s.status WHEN 200 THEN 'success' WHEN 504 THEN 'timeout' ELSE 'error' END,
       1 + i % 997, 'USD', s.status = 200,
       t.at,
       CASE WHEN s.status = 504 THEN NULL ELSE t.at + interval '1.2 seconds' END
  FROM generate_series($1::bigint, $2::bigint) AS i,
       LATERAL (SELECT CASE WHEN i % 20 = 0 THEN 500 WHEN i % 50 = 1 THEN 504 WHEN i % 33 = 2 THEN 404 ELSE 200 END AS status) s,
       LATERAL (SELECT timestamptz '2025-01-01 00:00:00+00' + (i::float8 / $4) * interval '${DAYS} days' AS at) t`;

const LOAD_CHARGES = `
INSERT INTO charges (transaction_id, invoice_number, payment_reference, account_id, amount_minor, currency, kind,
                     period_start, period_end, created_at)
SELECT 'tx_' || j, 'INV-' || j, 'pr_' || (j / 2), 'acct_' || (j % $2), 500 + j % 5000, 'USD',
       k.kind,
       CASE WHEN k.kind = 'subscription' THEN t.at END,
       CASE WHEN k.kind = 'subscription' THEN t.at + interval '30 days' END,
       t.at
  FROM generate_series(1, $1::bigint) AS j,
       LATERAL (SELECT (ARRAY['credit_purchase', 'usage', 'subscription'])[1 + j % 3] AS kind) k,
       LATERAL (SELECT timestamptz '2025-01-01 00:00:00+00' + (j::float8 / $1) * interval '${DAYS} days' AS at) t`;

// Start times follow the golden-ratio sequence (no aliasing with the requests' regular spacing); 10–60 minutes each.
const LOAD_OUTAGES = `
INSERT INTO outages (id, started_at, ended_at, scheduled, force_majeure, cause)
SELECT 'out_' || o, t.at, t.at + (10 + o % 51) * interval '1 minute', o % 10 = 0, false, 'bench outage ' || o
  FROM generate_series(1, $1::bigint) AS o,
       LATERAL (SELECT timestamptz '2025-01-01 00:00:00+00' + ((o * 0.6180339887498949) % 1) * interval '${DAYS} days' AS at) t`;

/** A claim for account `k`: IDS random request ids of that account, and one of its charges. */
function claimFor(k: number, seed: number): LedgerLookup {
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
  return { claimId: `clm_bench_${seed}`, accountId: `acct_${k}`, requestIds, transactionId: `tx_${tx}`, invoiceNumber: null };
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

async function main(): Promise<number> {
  const started = Date.now();
  const bench = await benchDatabase('refund_desk_bench', { keep: opts.keep, poolSize: 4, log: (m) => log(m) });
  try {
    const { db } = bench;
    log(`[bench] ${bench.where}`);

    // --- load ------------------------------------------------------------------------------------
    const loadStarted = performance.now();
    await db.query(
      `INSERT INTO accounts (id, email, policy_id)
       SELECT 'acct_' || i, 'acct_' || i || '@bench.example', 'pixazo-api' FROM generate_series(0, $1::int - 1) i`,
      [ACCOUNTS],
    );
    const chunks: [number, number][] = [];
    for (let from = 1; from <= REQUESTS; from += LOAD_CHUNK) chunks.push([from, Math.min(REQUESTS, from + LOAD_CHUNK - 1)]);
    let loaded = 0;
    // Two loaders: one per core.
    const loader = async () => {
      for (let chunk = chunks.shift(); chunk; chunk = chunks.shift()) {
        await db.query(LOAD_REQUESTS, [chunk[0], chunk[1], ACCOUNTS, REQUESTS]);
        loaded += chunk[1] - chunk[0] + 1;
        log(`[bench] usage_requests: ${int(loaded)} / ${int(REQUESTS)} (${seconds(performance.now() - loadStarted)})`);
      }
    };
    await Promise.all([
      loader(),
      loader(),
      db.query(LOAD_CHARGES, [ACCOUNTS * CHARGES_PER_ACCOUNT, ACCOUNTS]),
      db.query(LOAD_OUTAGES, [OUTAGES]),
    ]);
    const insertedMs = performance.now() - loadStarted;
    await db.query('VACUUM (ANALYZE) accounts, usage_requests, charges, outages');
    const loadMs = performance.now() - loadStarted;
    const sizes: { rel: string; n: number; size: string }[] = [];
    for (const rel of ['usage_requests', 'charges', 'outages']) {
      const { rows } = await db.query<{ n: string; size: string }>(
        `SELECT (SELECT count(*) FROM ${rel}) AS n, pg_size_pretty(pg_total_relation_size($1::regclass)) AS size`,
        [rel],
      );
      sizes.push({ rel, n: Number(rows[0]!.n), size: rows[0]!.size });
    }
    const { rows: settings } = await db.query<{ shared_buffers: string }>('SHOW shared_buffers');
    log(`[bench] loaded in ${seconds(loadMs)} (inserts ${seconds(insertedMs)}, vacuum analyze ${seconds(loadMs - insertedMs)})`);

    // --- time fetchLedgerFacts -------------------------------------------------------------------
    let statements = 0;
    let lastSql = '';
    let lastParams: unknown[] = [];
    const counting: Queryable = {
      query: ((config: string, params?: unknown[]) => {
        statements++;
        lastSql = config;
        lastParams = params ?? [];
        return db.query(config, params);
      }) as Queryable['query'],
    };

    let lastLookup: LedgerLookup | undefined;
    const timings: number[] = [];
    const statementsPerCall = new Set<number>();
    const outagesFound: number[] = [];
    for (let r = 0; r < WARMUP + RUNS; r++) {
      const k = (r * 37 + 11) % ACCOUNTS;
      const lookup = claimFor(k, r + 1);
      lastLookup = lookup;
      const before = statements;
      const t0 = performance.now();
      const facts = await fetchLedgerFacts(counting, lookup);
      const ms = performance.now() - t0;
      statementsPerCall.add(statements - before);
      if (facts.requests.length !== IDS) throw new Error(`expected ${IDS} requests, got ${facts.requests.length}`);
      if (facts.charges.length === 0) throw new Error(`the claimed charge ${lookup.transactionId} was not found`);
      if (r >= WARMUP) {
        timings.push(ms);
        outagesFound.push(facts.outages.length);
      }
    }
    const sorted = [...timings].sort((a, b) => a - b);
    const ms = (v: number) => `${v.toFixed(1)} ms`;

    // --- EXPLAIN ----------------------------------------------------------------------------------
    // The statement fetchLedgerFacts sent last, with a claim it has not seen (so its pages are not all cached).
    const seen = lastLookup!;
    const fresh = claimFor(((WARMUP + RUNS) * 37 + 11) % ACCOUNTS, 999);
    const params = lastParams.map((p) =>
      p === seen.accountId ? fresh.accountId
      : p === seen.requestIds ? fresh.requestIds
      : p === seen.transactionId ? fresh.transactionId
      : p === seen.claimId ? fresh.claimId
      : p,
    );
    const { rows: planRows } = await db.query<{ 'QUERY PLAN': [{ Plan: PlanNode; 'Execution Time': number; 'Planning Time': number }] }>(
      `EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) ${lastSql}`,
      params,
    );
    const plan = planRows[0]!['QUERY PLAN'][0];
    const accessed = scans(plan.Plan);
    const seqOnBig = accessed.filter(
      (n) => n['Node Type'] === 'Seq Scan' && ['usage_requests', 'charges'].includes(n['Relation Name']!),
    );
    const { rows: buffers } = await db.query<{ 'QUERY PLAN': string }>(
      `EXPLAIN (ANALYZE, BUFFERS, COSTS OFF, TIMING OFF, SUMMARY OFF) ${lastSql}`,
      params,
    );
    const textPlan = buffers.map((r) => r['QUERY PLAN']);
    // The first EXPLAIN ran the statement; its buffer figures are the ones for a claim not seen before.
    const topBuffers = planBuffers(plan.Plan);

    // --- report -------------------------------------------------------------------------------------
    const oneStatement = statementsPerCall.size === 1 && statementsPerCall.has(1);
    const lines = [
      `verify-claim bench, ${new Date().toISOString().slice(0, 10)}: ${os.cpus().length} CPUs, ${bench.where}, shared_buffers ${settings[0]!.shared_buffers}`,
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
        (p) => `  ${p['Subplan Name'] ?? p['Node Type']} [reads ${touches(p).join(', ')}]: ${(p['Actual Total Time'] ?? 0).toFixed(1)}`,
      ),
      seqOnBig.length
        ? `NOT OK: sequential scan on ${seqOnBig.map((n) => n['Relation Name']).join(', ')}`
        : 'OK: usage_requests and charges are read through indexes only',
      `total bench time ${seconds(Date.now() - started)}`,
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
    if (opts.plan) process.stdout.write(`\n${textPlan.join('\n')}\n`);
    return oneStatement && seqOnBig.length === 0 ? 0 : 1;
  } finally {
    await bench.close();
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`verify-claim: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exitCode = 1;
  },
);
