/**
 * P4, the evidence check: the ledger lookup of a claim naming 1,000 request ids (db/ledger.ts
 * fetchLedgerFacts, one statement) against a 10,000,000-row usage ledger, through bench/verify-claim.ts.
 * Baseline, in the same run and database: another account's 1,000 ids read by primary key alone.
 */
import { quantile } from './lib/database';
import type { BenchFigure } from './lib/suite';
import { measureVerifyClaim } from './verify-claim';

const round = (n: number) => Number(n.toFixed(1));

export async function measureEvidenceCheck(options: {
  rows: number;
  quick: boolean;
  log(message: string): void;
}): Promise<BenchFigure[]> {
  const ids = 1_000;
  // ~5,000 requests per account (2,000 accounts at 10M), so 1,000 random ids of one account are a fair claim.
  const accounts = Math.max(10, Math.floor(options.rows / 5_000));
  const result = await measureVerifyClaim({
    requests: options.rows,
    accounts,
    ids,
    runs: options.quick ? 5 : 20,
    warmup: 3,
    outages: 500,
    keep: false,
    log: options.log,
  });
  for (const line of result.lines) options.log(`[P4] ${line}`);
  const median = quantile(result.timings, 0.5);
  const p95 = quantile(result.timings, 0.95);
  const pkMedian = quantile(result.pkTimings, 0.5);
  const sound = result.oneStatement && !result.seqScanOnBigTables;
  const detail = {
    ledgerRows: options.rows,
    accounts,
    runs: result.timings.length,
    minMs: round(result.timings[0]!),
    p95Ms: round(p95),
    maxMs: round(result.timings.at(-1)!),
    oneStatement: String(result.oneStatement),
    indexOnly: String(!result.seqScanOnBigTables),
  };
  const rows = options.rows.toLocaleString('en-US');
  return [
    {
      part: 'P4',
      name: `evidence check median, 1,000 ids, ${rows}-row ledger, one statement (lower is better)`,
      value: round(median),
      unit: 'ms',
      baseline: { name: '1,000 ids by primary key alone, median', value: round(pkMedian), unit: 'ms' },
      ratio: Number((median / pkMedian).toFixed(2)),
      target: '< 100 ms, 1 round trip',
      met: sound && median < 100,
      detail,
    },
    {
      part: 'P4',
      name: `evidence check p95, ${rows}-row ledger`,
      value: round(p95),
      unit: 'ms',
      baseline: {
        name: '1,000 ids by primary key alone, p95',
        value: round(quantile(result.pkTimings, 0.95)),
        unit: 'ms',
      },
      ratio: Number((p95 / quantile(result.pkTimings, 0.95)).toFixed(2)),
      target: '< 100 ms',
      met: sound && p95 < 100,
    },
  ];
}
