/**
 * Import a usage-ledger file into the database.
 *
 *   npx tsx scripts/import-ledger.ts --kind requests|charges|outages [--format csv|ndjson]
 *       [--database-url URL] [--batch-size N] FILE
 *   npm run import-ledger -- --kind requests usage.ndjson
 *
 * Streams FILE, validates each row with the API's record schema, inserts valid rows in batches
 * (re-running is safe: rows already there count as duplicates) and prints a summary with every
 * rejected row's line number and reason (the first 50). Exit code: 0 when the import completed,
 * even with rejected rows; 1 on a fatal error (database unreachable, unusable file); 2 on a usage
 * error; 130 when interrupted (what was committed stays; run it again to finish).
 */
import { SingleBar } from 'cli-progress';
import { statSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createDb } from '../db';
import {
  DEFAULT_BATCH_SIZE,
  formatFromFileName,
  importLedgerFile,
  LEDGER_KINDS,
  LedgerFileError,
  type ImportProgress,
  type ImportSummary,
  type LedgerFileFormat,
  type LedgerKind,
} from '../db/import';

const LISTED_REJECTIONS = 50;
const PLAIN_PROGRESS_EVERY_MS = 5_000;

const USAGE = `usage: import-ledger --kind requests|charges|outages [--format csv|ndjson] [--database-url URL] [--batch-size N] FILE

  --kind          record kind: requests (usage_requests), charges, outages
  --format        csv or ndjson (default: from the file extension: .csv, .ndjson/.jsonl/.json)
  --database-url  PostgreSQL URL (default: $DATABASE_URL)
  --batch-size    rows per INSERT statement (default ${DEFAULT_BATCH_SIZE})

CSV files have a header line naming the record fields (requestId,accountId,...); an empty cell is null.
Exit code: 0 completed (rejected rows are listed), 1 fatal error, 2 usage error, 130 interrupted.`;

class UsageError extends Error {}

interface Args {
  kind: LedgerKind;
  format: LedgerFileFormat;
  databaseUrl: string;
  batchSize: number;
  file: string;
}

function parseCommandLine(argv: string[]): Args | 'help' {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        kind: { type: 'string', short: 'k' },
        format: { type: 'string', short: 'f' },
        'database-url': { type: 'string' },
        'batch-size': { type: 'string', short: 'b' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) return 'help';

  const kind = values.kind;
  if (!kind) throw new UsageError('--kind is required');
  if (!(LEDGER_KINDS as readonly string[]).includes(kind)) {
    throw new UsageError(`--kind must be one of ${LEDGER_KINDS.join(', ')}, not "${kind}"`);
  }
  if (positionals.length !== 1) {
    throw new UsageError(positionals.length ? `one FILE please, got ${positionals.length}` : 'FILE is required');
  }
  const file = positionals[0]!;
  let isFile = false;
  try {
    isFile = statSync(file).isFile();
  } catch {
    throw new UsageError(`cannot read ${file}: no such file`);
  }
  if (!isFile) throw new UsageError(`${file} is not a file`);

  const format = values.format ?? formatFromFileName(file);
  if (!format)
    throw new UsageError(`cannot tell the format of ${file} from its extension: pass --format csv or --format ndjson`);
  if (format !== 'csv' && format !== 'ndjson') throw new UsageError(`--format must be csv or ndjson, not "${format}"`);

  const databaseUrl = values['database-url'] ?? process.env.DATABASE_URL;
  if (!databaseUrl) throw new UsageError('no database: pass --database-url or set DATABASE_URL');

  let batchSize = DEFAULT_BATCH_SIZE;
  if (values['batch-size'] !== undefined) {
    batchSize = Number(values['batch-size']);
    if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 100_000) {
      throw new UsageError(`--batch-size must be an integer from 1 to 100000, not "${values['batch-size']}"`);
    }
  }
  return { kind: kind as LedgerKind, format, databaseUrl, batchSize, file };
}

const int = (n: number): string => n.toLocaleString('en-US');
const mb = (bytes: number): string => (bytes / 1024 / 1024).toFixed(1);

/** A progress bar on a terminal; a plain line every few seconds otherwise (CI logs, pipes). */
function progressReporter(file: string, totalBytes: number): { update(p: ImportProgress): void; stop(): void } {
  const started = Date.now();
  if (process.stderr.isTTY) {
    const bar = new SingleBar({
      stream: process.stderr,
      format:
        ' {bar} {percentage}% | {read}/{total_mb} MB | {rows} rows, {inserted} inserted, {duplicates} duplicates, {rejected} rejected | {rate} rows/s | ETA {eta_formatted}',
      barsize: 24,
      etaBuffer: 50,
      hideCursor: true,
      fps: 5,
    });
    bar.start(totalBytes, 0, {
      read: '0.0',
      total_mb: mb(totalBytes),
      rows: 0,
      inserted: 0,
      duplicates: 0,
      rejected: 0,
      rate: 0,
    });
    return {
      update(p) {
        const seconds = Math.max((Date.now() - started) / 1000, 0.001);
        bar.update(p.bytesRead, {
          read: mb(p.bytesRead),
          rows: int(p.rowsRead),
          inserted: int(p.inserted),
          duplicates: int(p.duplicates),
          rejected: int(p.rejected),
          rate: int(Math.round(p.rowsRead / seconds)),
        });
      },
      stop: () => bar.stop(),
    };
  }
  let last = 0;
  process.stderr.write(`import-ledger: reading ${file} (${mb(totalBytes)} MB)\n`);
  return {
    update(p) {
      const now = Date.now();
      if (now - last < PLAIN_PROGRESS_EVERY_MS) return;
      last = now;
      const pct = totalBytes ? Math.floor((p.bytesRead / totalBytes) * 100) : 100;
      const rate = Math.round(p.rowsRead / Math.max((now - started) / 1000, 0.001));
      process.stderr.write(
        `import-ledger: ${pct}% ${mb(p.bytesRead)}/${mb(totalBytes)} MB, ${int(p.rowsRead)} rows ` +
          `(${int(p.inserted)} inserted, ${int(p.duplicates)} duplicates, ${int(p.rejected)} rejected), ${int(rate)} rows/s\n`,
      );
    },
    stop() {},
  };
}

function printSummary(s: ImportSummary): void {
  const seconds = s.elapsedMs / 1000;
  const width = int(s.rowsRead).length;
  const line = (label: string, n: number) => `  ${label.padEnd(11)} ${int(n).padStart(width)}`;
  const out = [
    `Imported ${s.kind} from ${s.file} (${s.format}, ${mb(s.bytesRead)} MB) in ${seconds.toFixed(1)} s` +
      ` (${int(Math.round(s.rowsRead / Math.max(seconds, 0.001)))} rows/s)`,
    line('rows read', s.rowsRead),
    line('inserted', s.inserted),
    line('duplicates', s.duplicates),
    line('rejected', s.rejected),
  ];
  if (s.rejected > 0) {
    out.push('', 'Rejected rows:');
    for (const r of s.rejections.slice(0, LISTED_REJECTIONS)) {
      out.push(`  line ${r.line}${r.key ? ` (${r.key})` : ''}: ${r.reason}`);
    }
    const more = s.rejected - Math.min(s.rejections.length, LISTED_REJECTIONS);
    if (more > 0) out.push(`  … and ${int(more)} more`);
  }
  process.stdout.write(`${out.join('\n')}\n`);
}

async function main(): Promise<number> {
  let args;
  try {
    args = parseCommandLine(process.argv.slice(2));
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    process.stderr.write(`import-ledger: ${err.message}\n\n${USAGE}\n`);
    return 2;
  }
  if (args === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }

  const db = createDb(args.databaseUrl, 2);
  db.on('error', () => {}); // an idle client dropped by the server; the next query reports it
  const abort = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => abort.abort(new Error(`interrupted (${signal})`));
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  const totalBytes = statSync(args.file).size;
  const reporter = progressReporter(path.basename(args.file), totalBytes);
  try {
    const summary = await importLedgerFile(db, {
      kind: args.kind,
      file: args.file,
      format: args.format,
      batchSize: args.batchSize,
      maxListedRejections: LISTED_REJECTIONS,
      onProgress: (p) => reporter.update(p),
      signal: abort.signal,
    });
    reporter.stop();
    printSummary(summary);
    return 0;
  } catch (err) {
    reporter.stop();
    const message = err instanceof Error ? err.message : String(err);
    if (abort.signal.aborted) {
      process.stderr.write(`import-ledger: ${message}; the batches already written stay, run it again to finish\n`);
      return 130;
    }
    const prefix = err instanceof LedgerFileError ? `${args.file}: ` : '';
    process.stderr.write(`import-ledger: ${prefix}${message}\n`);
    if (!(err instanceof LedgerFileError)) {
      process.stderr.write('import-ledger: batches committed before the error stay; re-running the import is safe\n');
    }
    return 1;
  } finally {
    await db.end().catch(() => {});
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`import-ledger: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exitCode = 1;
  },
);
