/**
 * How fast a usage-ledger file imports (db/import importLedgerFile, what scripts/import-ledger.ts runs).
 *
 *   npx tsx bench/import.ts [--rows 1000000] [--format ndjson|csv|both] [--batch-size N] [--concurrency N] [--keep]
 *   npm run bench:import
 *
 * Generates the file(s) into a temp dir (bench/lib/ledger-files.ts: random-looking request ids over
 * 100 accounts), imports each into a fresh, migrated throwaway database (bench/lib/database.ts), then
 * imports the same file again (every row a duplicate), and prints rows/s for both.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_BATCH_SIZE, importLedgerFile, type LedgerFileFormat } from '../db/import';
import { insertSyntheticAccounts } from '../db/synthetic-ledger';
import { writeUsageRequestsFile } from './lib/ledger-files';
import { benchDatabase, int, seconds } from './lib/database';

const { values: opts } = parseArgs({
  options: {
    rows: { type: 'string', default: '1000000' },
    format: { type: 'string', default: 'both' },
    'batch-size': { type: 'string', default: String(DEFAULT_BATCH_SIZE) },
    concurrency: { type: 'string', default: '2' },
    keep: { type: 'boolean', default: false },
  },
});
const ROWS = Number(opts.rows);
const BATCH = Number(opts['batch-size']);
const CONCURRENCY = Number(opts.concurrency);
const FORMATS: LedgerFileFormat[] = opts.format === 'both' ? ['ndjson', 'csv'] : [opts.format as LedgerFileFormat];
const ACCOUNTS = 100;

const log = (line: string): void => {
  process.stderr.write(`${line}\n`);
};

async function main(): Promise<void> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'refund-desk-bench-import-'));
  const results: string[] = [];
  try {
    for (const format of FORMATS) {
      const file = path.join(dir, `requests.${format}`);
      const t0 = performance.now();
      const bytes = await writeUsageRequestsFile(file, ROWS, { accounts: ACCOUNTS, format });
      log(
        `[bench] wrote ${int(ROWS)} rows, ${(bytes / 1024 / 1024).toFixed(0)} MB of ${format} in ${seconds(performance.now() - t0)}`,
      );

      const bench = await benchDatabase(`refund_desk_bench_import_${format}`, { keep: opts.keep, log });
      try {
        await insertSyntheticAccounts(bench.db, ACCOUNTS, 'pixazo-api');
        for (const pass of ['new rows', 'all duplicates']) {
          const s = await importLedgerFile(bench.db, {
            kind: 'requests',
            file,
            format,
            batchSize: BATCH,
            concurrency: CONCURRENCY,
          });
          const rate = Math.round(s.rowsRead / (s.elapsedMs / 1000));
          results.push(
            `${format.padEnd(6)} ${pass.padEnd(14)} ${int(s.rowsRead)} rows (${(bytes / 1024 / 1024).toFixed(0)} MB) in ` +
              `${seconds(s.elapsedMs)}: ${int(rate)} rows/s (inserted ${int(s.inserted)}, duplicates ${int(s.duplicates)}, rejected ${int(s.rejected)})`,
          );
          log(`[bench] ${results.at(-1)}`);
        }
        results.push(`       (${bench.where}; batch size ${int(BATCH)}, ${CONCURRENCY} batches in flight)`);
      } finally {
        await bench.close();
      }
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  process.stdout.write(
    `import bench, ${new Date().toISOString().slice(0, 10)}: ${os.cpus().length} CPUs\n${results.join('\n')}\n`,
  );
}

main().catch((err: unknown) => {
  process.stderr.write(`bench/import: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = 1;
});
