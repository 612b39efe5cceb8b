/**
 * What the file importer needs to know about each ledger table: the API's record schema (the one
 * `/v1/usage/*` validates with), how record fields map to columns, the row-level checks the table's
 * CHECK constraints make (so one bad row is rejected alone instead of failing its batch), and one
 * set-based INSERT per batch.
 */
import type { z } from 'zod';
import { ChargeRecord, OutageRecord, UsageRequestRecord } from '../../common/ledger-records';

export const LEDGER_KINDS = ['requests', 'charges', 'outages'] as const;
export type LedgerKind = (typeof LEDGER_KINDS)[number];

type PgType = 'text' | 'smallint' | 'bigint' | 'boolean' | 'timestamptz';

export interface ColumnSpec {
  /** Record field (JSON key, CSV header). */
  field: string;
  column: string;
  type: PgType;
}

type AnyRecord = Record<string, unknown>;

export interface KindSpec {
  kind: LedgerKind;
  table: string;
  /** The record field that is the table's primary key. */
  keyField: string;
  keyColumn: string;
  schema: z.ZodObject;
  columns: ColumnSpec[];
  /** Set when rows reference accounts(id): rows naming an unknown account are rejected one by one. */
  accountColumn?: string;
  /** Mirrors the table's CHECK constraints that the record schema does not express; returns a reason or null. */
  check?(record: AnyRecord): string | null;
}

const after = (a: unknown, b: unknown): boolean => Date.parse(String(a)) > Date.parse(String(b));

export const KINDS: Record<LedgerKind, KindSpec> = {
  requests: {
    kind: 'requests',
    table: 'usage_requests',
    keyField: 'requestId',
    keyColumn: 'request_id',
    schema: UsageRequestRecord,
    accountColumn: 'account_id',
    columns: [
      { field: 'requestId', column: 'request_id', type: 'text' },
      { field: 'accountId', column: 'account_id', type: 'text' },
      { field: 'endpoint', column: 'endpoint', type: 'text' },
      { field: 'model', column: 'model', type: 'text' },
      { field: 'httpStatus', column: 'http_status', type: 'smallint' },
      { field: 'outcome', column: 'outcome', type: 'text' },
      { field: 'amountMinor', column: 'amount_minor', type: 'bigint' },
      { field: 'currency', column: 'currency', type: 'text' },
      { field: 'outputDelivered', column: 'output_delivered', type: 'boolean' },
      { field: 'startedAt', column: 'started_at', type: 'timestamptz' },
      { field: 'completedAt', column: 'completed_at', type: 'timestamptz' },
    ],
  },
  charges: {
    kind: 'charges',
    table: 'charges',
    keyField: 'transactionId',
    keyColumn: 'transaction_id',
    schema: ChargeRecord,
    accountColumn: 'account_id',
    columns: [
      { field: 'transactionId', column: 'transaction_id', type: 'text' },
      { field: 'invoiceNumber', column: 'invoice_number', type: 'text' },
      { field: 'paymentReference', column: 'payment_reference', type: 'text' },
      { field: 'accountId', column: 'account_id', type: 'text' },
      { field: 'amountMinor', column: 'amount_minor', type: 'bigint' },
      { field: 'currency', column: 'currency', type: 'text' },
      { field: 'kind', column: 'kind', type: 'text' },
      { field: 'periodStart', column: 'period_start', type: 'timestamptz' },
      { field: 'periodEnd', column: 'period_end', type: 'timestamptz' },
      { field: 'createdAt', column: 'created_at', type: 'timestamptz' },
    ],
    check: (r) =>
      r.periodStart != null && r.periodEnd != null && !after(r.periodEnd, r.periodStart)
        ? 'periodEnd must be after periodStart'
        : null,
  },
  outages: {
    kind: 'outages',
    table: 'outages',
    keyField: 'id',
    keyColumn: 'id',
    schema: OutageRecord,
    columns: [
      { field: 'id', column: 'id', type: 'text' },
      { field: 'startedAt', column: 'started_at', type: 'timestamptz' },
      { field: 'endedAt', column: 'ended_at', type: 'timestamptz' },
      { field: 'scheduled', column: 'scheduled', type: 'boolean' },
      { field: 'forceMajeure', column: 'force_majeure', type: 'boolean' },
      { field: 'cause', column: 'cause', type: 'text' },
    ],
    check: (r) => (r.endedAt != null && !after(r.endedAt, r.startedAt) ? 'endedAt must be after startedAt' : null),
  },
};

/**
 * ONE statement per batch. Parameters are one array per column (`$1` the file line numbers), so the
 * statement text and plan are the same for every batch. Rows naming an unknown account are left out
 * and their lines returned; rows whose key is already there are skipped (ON CONFLICT DO NOTHING).
 * Rows go in key order: the primary-key index is written with better locality, and two imports
 * that overlap take their row locks in the same order instead of deadlocking.
 */
export function batchInsertSql(spec: KindSpec): string {
  const cols = spec.columns.map((c) => c.column).join(', ');
  const arrays = ['$1::int[]', ...spec.columns.map((c, i) => `$${i + 2}::${c.type}[]`)].join(', ');
  const unnest = `unnest(${arrays}) AS t(line_no, ${cols})`;
  if (!spec.accountColumn) {
    return `WITH ins AS (
  INSERT INTO ${spec.table} (${cols})
  SELECT ${cols} FROM ${unnest}
  ORDER BY ${spec.keyColumn}
  ON CONFLICT (${spec.keyColumn}) DO NOTHING
  RETURNING 1
)
SELECT (SELECT count(*) FROM ins)::int AS inserted, '{}'::int[] AS unknown_lines`;
  }
  const acct = spec.accountColumn;
  return `WITH input AS MATERIALIZED (
  SELECT * FROM ${unnest}
), ins AS (
  INSERT INTO ${spec.table} (${cols})
  SELECT ${cols} FROM input i WHERE EXISTS (SELECT 1 FROM accounts a WHERE a.id = i.${acct})
  ORDER BY ${spec.keyColumn}
  ON CONFLICT (${spec.keyColumn}) DO NOTHING
  RETURNING 1
)
SELECT (SELECT count(*) FROM ins)::int AS inserted,
       ARRAY(SELECT i.line_no FROM input i WHERE NOT EXISTS (SELECT 1 FROM accounts a WHERE a.id = i.${acct})) AS unknown_lines`;
}

/**
 * What PostgreSQL would refuse in a record the schema accepts, as a reason (or null): text with a NUL
 * character, the year 0000 (ISO 8601 has it, PostgreSQL does not), and the table's own CHECKs.
 * Anything else the database refuses is still isolated to its row, only more slowly (by splitting the batch).
 */
export function rowProblem(spec: KindSpec, record: Record<string, unknown>): string | null {
  for (const col of spec.columns) {
    const value = record[col.field];
    if (typeof value !== 'string') continue;
    if (col.type === 'text' && value.includes('\u0000'))
      return `${col.field}: contains a NUL character, which PostgreSQL text cannot hold`;
    if (col.type === 'timestamptz' && value.startsWith('0000'))
      return `${col.field}: year 0000 is out of PostgreSQL's range`;
  }
  return spec.check?.(record) ?? null;
}

/** How an empty CSV cell reads for a field: null where the schema allows it, else "absent" so a default applies. */
export function emptyCellValue(spec: KindSpec, field: string): null | undefined {
  const schema = spec.schema.shape[field] as z.ZodType | undefined;
  if (!schema) return null;
  if (schema.safeParse(null).success) return null;
  if (schema.safeParse(undefined).success) return undefined;
  return null;
}

/** Fields a record must carry (no default). */
export function requiredFields(spec: KindSpec): string[] {
  return Object.entries(spec.schema.shape)
    .filter(([, schema]) => !(schema as z.ZodType).safeParse(undefined).success)
    .map(([field]) => field);
}

/** Records as one array per column, the parameters of batchInsertSql; `lines` are file lines or batch indexes. */
export class Batch {
  readonly lines: number[] = [];
  readonly keys: string[] = [];
  readonly columns: unknown[][];
  constructor(private readonly spec: KindSpec) {
    this.columns = spec.columns.map(() => []);
  }
  get size(): number {
    return this.lines.length;
  }
  add(line: number, record: Record<string, unknown>): void {
    this.lines.push(line);
    this.keys.push(String(record[this.spec.keyField]));
    const cols = this.spec.columns;
    for (let c = 0; c < cols.length; c++) this.columns[c]!.push(record[cols[c]!.field]);
  }
  slice(from: number, to: number): Batch {
    const part = new Batch(this.spec);
    part.lines.push(...this.lines.slice(from, to));
    part.keys.push(...this.keys.slice(from, to));
    this.columns.forEach((col, c) => part.columns[c]!.push(...col.slice(from, to)));
    return part;
  }
}
