/**
 * Imports a usage-ledger file (CSV or NDJSON) of one record kind, streaming it: never more than a
 * couple of batches are in memory, however big the file.
 *
 * Every row is validated with the same zod record schema `/v1/usage/*` uses. Valid rows go to the
 * database in batches, ONE statement per batch (`INSERT … SELECT FROM unnest(…) ON CONFLICT DO
 * NOTHING`), each its own transaction, so an interrupted import keeps what it committed and a
 * re-run only adds what is missing. A row the database would refuse is rejected on its own, with
 * its line number and the reason: invalid values, unknown accounts, the tables' CHECK constraints;
 * if the database still refuses a batch for a data error, the batch is split to find the row.
 *
 * Parsing the next batch overlaps with the database writing the previous one.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import type { z } from 'zod';
import type { Queryable } from '../index';
import { CsvParser, CsvRecordTooLong, type CsvEvent } from './csv';
import {
  Batch,
  batchInsertSql,
  emptyCellValue,
  KINDS,
  requiredFields,
  rowProblem,
  type KindSpec,
  type LedgerKind,
} from './kinds';

export type LedgerFileFormat = 'csv' | 'ndjson';

export interface ImportProgress {
  bytesRead: number;
  totalBytes: number;
  rowsRead: number;
  inserted: number;
  duplicates: number;
  rejected: number;
}

export interface ImportLedgerFileOptions {
  kind: LedgerKind;
  file: string;
  /** Default: from the file name (`.csv`, `.ndjson` / `.jsonl` / `.json`). */
  format?: LedgerFileFormat;
  /** Rows per INSERT statement. Default 10,000. */
  batchSize?: number;
  /**
   * Batches written at once (each on its own pool connection when `db` is a pool). Default 2: the
   * database writes one batch per core. Rows go in key order within a batch, so overlapping batches
   * cannot deadlock.
   */
  concurrency?: number;
  /** How many rejected rows the summary lists (the lowest line numbers); all are counted. Default 1,000. */
  maxListedRejections?: number;
  onProgress?: (progress: ImportProgress) => void;
  /** Stops reading; batches already sent are committed (a re-run resumes). The promise rejects with the signal's reason. */
  signal?: AbortSignal;
}

export interface RejectedRow {
  /** 1-based physical line where the row starts (CSV: the header is line 1). */
  line: number;
  /** The row's key (requestId / transactionId / id) when it could be read. */
  key?: string;
  reason: string;
}

export interface ImportSummary {
  kind: LedgerKind;
  file: string;
  format: LedgerFileFormat;
  /** Data rows in the file (not counting a CSV header or blank lines). rowsRead = inserted + duplicates + rejected. */
  rowsRead: number;
  inserted: number;
  /** Valid rows whose key was already in the ledger (or earlier in the file). */
  duplicates: number;
  rejected: number;
  /** The first `maxListedRejections` rejected rows by line number. */
  rejections: RejectedRow[];
  bytesRead: number;
  elapsedMs: number;
}

/** The file itself cannot be imported (bad CSV header, a runaway record): nothing after it is trusted. */
export class LedgerFileError extends Error {
  override name = 'LedgerFileError';
}

export const DEFAULT_BATCH_SIZE = 10_000;
export const DEFAULT_CONCURRENCY = 2;
const MAX_LINE_CHARS = 1 << 20;
const READ_CHUNK_BYTES = 1 << 20;

export function formatFromFileName(file: string): LedgerFileFormat | undefined {
  const ext = path.extname(file).toLowerCase();
  if (ext === '.csv') return 'csv';
  if (ext === '.ndjson' || ext === '.jsonl' || ext === '.json') return 'ndjson';
  return undefined;
}

/** One batch of valid rows, column-wise: the shape `unnest($1::int[], $2::text[], …)` takes. */
/** Rejections, keeping only the `limit` lowest line numbers (batches may report out of line order). */
class Rejections {
  count = 0;
  private rows: RejectedRow[] = [];
  constructor(private readonly limit: number) {}
  add(row: RejectedRow): void {
    this.count++;
    if (this.limit <= 0) return;
    this.rows.push(row);
    if (this.rows.length >= this.limit * 2) this.trim();
  }
  list(): RejectedRow[] {
    this.trim();
    return this.rows;
  }
  private trim(): void {
    this.rows.sort((a, b) => a.line - b.line);
    if (this.rows.length > this.limit) this.rows.length = this.limit;
  }
}

/** "field: message (got value)" for each issue; the value helps where zod's message is terse (unions). */
function describeIssues(error: z.ZodError, value: unknown): string {
  return error.issues
    .map((issue) => {
      const where = issue.path.length ? `${issue.path.join('.')}: ` : '';
      let got = value;
      for (const step of issue.path)
        got = got !== null && typeof got === 'object' ? (got as Record<PropertyKey, unknown>)[step] : undefined;
      const shown =
        issue.path.length && (typeof got === 'string' || typeof got === 'number' || typeof got === 'boolean')
          ? ` (got ${JSON.stringify(typeof got === 'string' && got.length > 40 ? `${got.slice(0, 40)}…` : got)})`
          : '';
      return `${where}${issue.message}${shown}`;
    })
    .join('; ');
}

const keyOf = (spec: KindSpec, value: unknown): string | undefined => {
  if (value === null || typeof value !== 'object') return undefined;
  const key = (value as Record<string, unknown>)[spec.keyField];
  return typeof key === 'string' && key.length <= 200 ? key : undefined;
};

/** A PostgreSQL error that one row's values cause (data exception, constraint violation). */
const isRowLevelError = (err: unknown): boolean => /^2[23]/.test(String((err as { code?: unknown }).code ?? ''));

export async function importLedgerFile(db: Queryable, options: ImportLedgerFileOptions): Promise<ImportSummary> {
  const started = performance.now();
  const spec = KINDS[options.kind];
  if (!spec)
    throw new Error(`unknown ledger kind ${String(options.kind)}; expected one of ${Object.keys(KINDS).join(', ')}`);
  const format = options.format ?? formatFromFileName(options.file);
  if (!format)
    throw new Error(`cannot tell the format of ${options.file} from its name; pass format 'csv' or 'ndjson'`);
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  const concurrency = options.concurrency ?? DEFAULT_CONCURRENCY;
  if (!Number.isInteger(concurrency) || concurrency < 1)
    throw new Error(`concurrency must be a positive integer, got ${concurrency}`);
  if (!Number.isInteger(batchSize) || batchSize < 1)
    throw new Error(`batchSize must be a positive integer, got ${batchSize}`);

  const totalBytes = (await stat(options.file)).size;
  // Fail before reading anything when the database is unreachable or not migrated.
  const { rows: found } = await db.query<{ table: string | null }>('SELECT to_regclass($1)::text AS table', [
    spec.table,
  ]);
  if (!found[0]?.table)
    throw new Error(`table ${spec.table} does not exist in this database: run the migrations first`);
  const sql = batchInsertSql(spec);
  const statementName = `ledger_import_${spec.kind}_${spec.columns.length}`;
  const rejections = new Rejections(options.maxListedRejections ?? 1_000);
  const counts = { rowsRead: 0, inserted: 0, duplicates: 0 };
  let bytesRead = 0;

  const progress = (): void => options.onProgress?.({ bytesRead, totalBytes, ...counts, rejected: rejections.count });

  // --- the database side: up to `concurrency` batches in flight while the next is parsed -------
  let batch = new Batch(spec);
  /** Full batches parsed from the current chunk, waiting their turn. */
  const ready: Batch[] = [];
  const inFlight = new Set<Promise<void>>();
  let fatal: unknown;

  const send = async (part: Batch): Promise<void> => {
    let result;
    try {
      result = await db.query<{ inserted: number; unknown_lines: number[] }>({
        name: statementName,
        text: sql,
        values: [part.lines, ...part.columns],
      });
    } catch (err) {
      if (!isRowLevelError(err)) throw err;
      if (part.size === 1) {
        rejections.add({
          line: part.lines[0]!,
          key: part.keys[0],
          reason: `refused by the database: ${(err as Error).message}`,
        });
        return;
      }
      const mid = Math.ceil(part.size / 2);
      await send(part.slice(0, mid));
      await send(part.slice(mid, part.size));
      return;
    }
    const row = result.rows[0]!;
    const unknown = new Set(row.unknown_lines);
    if (unknown.size > 0) {
      const accountCol = spec.columns.findIndex((c) => c.column === spec.accountColumn);
      part.lines.forEach((line, i) => {
        if (!unknown.has(line)) return;
        const account = String(part.columns[accountCol]![i]);
        rejections.add({
          line,
          key: part.keys[i],
          reason: `unknown account "${account}": create it first (PUT /v1/accounts/${account})`,
        });
      });
    }
    counts.inserted += row.inserted;
    counts.duplicates += part.size - unknown.size - row.inserted;
  };

  /** Sends `part` once fewer than `concurrency` batches are in flight: the database writes while we parse on. */
  const submit = async (part: Batch): Promise<void> => {
    while (inFlight.size >= concurrency) await Promise.race(inFlight);
    if (fatal) throw fatal;
    const done: Promise<void> = send(part).then(progress, (err: unknown) => {
      fatal ??= err;
    });
    inFlight.add(done);
    void done.finally(() => inFlight.delete(done));
  };
  const drain = async (): Promise<void> => {
    await Promise.all(inFlight);
  };

  // --- the row side -----------------------------------------------------------------------------
  const accept = (line: number, value: unknown): void => {
    counts.rowsRead++;
    const parsed = spec.schema.safeParse(value);
    if (!parsed.success) {
      rejections.add({ line, key: keyOf(spec, value), reason: describeIssues(parsed.error, value) });
      return;
    }
    const record = parsed.data as Record<string, unknown>;
    const refused = rowProblem(spec, record);
    if (refused) {
      rejections.add({ line, key: keyOf(spec, record), reason: refused });
      return;
    }
    batch.add(line, record);
    if (batch.size >= batchSize) {
      ready.push(batch);
      batch = new Batch(spec);
    }
  };

  const reject = (line: number, reason: string, key?: string): void => {
    counts.rowsRead++;
    rejections.add({ line, key, reason });
  };

  const rows = format === 'csv' ? csvRows(spec, accept, reject) : ndjsonRows(accept, reject);

  const stream = createReadStream(options.file, { highWaterMark: READ_CHUNK_BYTES });
  const decoder = new StringDecoder('utf8');
  let first = true;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      if (options.signal?.aborted) throw options.signal.reason;
      bytesRead += chunk.length;
      let text = decoder.write(chunk);
      if (first) {
        if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
        first = false;
      }
      rows.push(text);
      while (ready.length) await submit(ready.shift()!);
      progress();
    }
    rows.push(decoder.end());
    rows.end();
    if (batch.size) ready.push(batch);
    while (ready.length) await submit(ready.shift()!);
    await drain();
    if (fatal) throw fatal;
  } catch (err) {
    stream.destroy();
    // Never leave a batch running when we report: its outcome would be lost.
    await drain();
    throw err;
  }
  progress();

  return {
    kind: spec.kind,
    file: options.file,
    format,
    rowsRead: counts.rowsRead,
    inserted: counts.inserted,
    duplicates: counts.duplicates,
    rejected: rejections.count,
    rejections: rejections.list(),
    bytesRead,
    elapsedMs: performance.now() - started,
  };
}

interface RowSource {
  push(text: string): void;
  end(): void;
}

function ndjsonRows(
  accept: (line: number, value: unknown) => void,
  reject: (line: number, reason: string) => void,
): RowSource {
  let carry = '';
  let lineNo = 0;
  const handle = (raw: string): void => {
    lineNo++;
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (err) {
      reject(lineNo, `invalid JSON: ${(err as Error).message}`);
      return;
    }
    accept(lineNo, value);
  };
  return {
    push(text) {
      let start = 0;
      let nl = text.indexOf('\n');
      if (nl !== -1 && carry) {
        handle(carry + text.slice(0, nl));
        carry = '';
        start = nl + 1;
        nl = text.indexOf('\n', start);
      }
      while (nl !== -1) {
        handle(text.slice(start, nl));
        start = nl + 1;
        nl = text.indexOf('\n', start);
      }
      carry += text.slice(start);
      if (carry.length > MAX_LINE_CHARS) {
        throw new LedgerFileError(`line ${lineNo + 1} is longer than ${MAX_LINE_CHARS} characters; is this NDJSON?`);
      }
    },
    end() {
      if (carry) handle(carry);
      carry = '';
    },
  };
}

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

function csvRows(
  spec: KindSpec,
  accept: (line: number, value: unknown) => void,
  reject: (line: number, reason: string, key?: string) => void,
): RowSource {
  const parser = new CsvParser(MAX_LINE_CHARS);
  let keyIndex = -1;
  const typeOf = new Map(spec.columns.map((c) => [c.field, c.type]));
  let header: { field: string; convert: (cell: string) => unknown }[] | undefined;

  const readHeader = (fields: string[], line: number): void => {
    const names = fields.map((f) => f.trim());
    const known = new Set(spec.columns.map((c) => c.field));
    const unknown = names.filter((n) => !known.has(n));
    if (unknown.length) {
      throw new LedgerFileError(
        `line ${line}: unknown column(s) ${unknown.map((n) => JSON.stringify(n)).join(', ')} for ${spec.kind}; ` +
          `columns are ${spec.columns.map((c) => c.field).join(', ')}`,
      );
    }
    const repeated = names.filter((n, i) => names.indexOf(n) !== i);
    if (repeated.length)
      throw new LedgerFileError(`line ${line}: column(s) ${[...new Set(repeated)].join(', ')} appear twice`);
    const missing = requiredFields(spec).filter((f) => !names.includes(f));
    if (missing.length) throw new LedgerFileError(`line ${line}: required column(s) ${missing.join(', ')} are missing`);
    keyIndex = names.indexOf(spec.keyField);
    header = names.map((field) => {
      const empty = emptyCellValue(spec, field);
      const type = typeOf.get(field);
      const convert =
        type === 'smallint' || type === 'bigint'
          ? (cell: string) => (cell === '' ? empty : NUMBER.test(cell.trim()) ? Number(cell) : cell)
          : type === 'boolean'
            ? (cell: string) => {
                if (cell === '') return empty;
                const v = cell.trim().toLowerCase();
                return v === 'true' ? true : v === 'false' ? false : cell;
              }
            : (cell: string) => (cell === '' ? empty : cell);
      return { field, convert };
    });
  };

  const handle = (events: CsvEvent[]): void => {
    for (const event of events) {
      if ('error' in event) {
        if (header) reject(event.line, `malformed CSV: ${event.error}`);
        else throw new LedgerFileError(`line ${event.line}: malformed CSV header: ${event.error}`);
        continue;
      }
      if (!header) {
        readHeader(event.fields, event.line);
        continue;
      }
      if (event.fields.length !== header.length) {
        const key = keyIndex >= 0 ? event.fields[keyIndex] : undefined;
        reject(
          event.line,
          `expected ${header.length} fields (as in the header), found ${event.fields.length}`,
          key || undefined,
        );
        continue;
      }
      const record: Record<string, unknown> = {};
      for (let i = 0; i < header.length; i++) {
        const col = header[i]!;
        const value = col.convert(event.fields[i]!);
        if (value !== undefined) record[col.field] = value;
      }
      accept(event.line, record);
    }
  };

  const guard = (work: () => CsvEvent[]): CsvEvent[] => {
    try {
      return work();
    } catch (err) {
      if (err instanceof CsvRecordTooLong) throw new LedgerFileError(err.message);
      throw err;
    }
  };

  return {
    push(text) {
      handle(guard(() => parser.push(text)));
    },
    end() {
      handle(guard(() => parser.end()));
      if (!header) throw new LedgerFileError('the CSV file has no header line');
    },
  };
}
