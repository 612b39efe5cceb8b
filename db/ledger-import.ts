import { Batch, batchInsertSql, KINDS, rowProblem, type LedgerKind } from './import/kinds';
import { withTransaction, type Db } from './index';

export interface ImportResult {
  received: number;
  inserted: number;
  duplicates: number;
}

/** A batch from the API was refused whole; `index` is the first offending record. */
export class LedgerBatchRefused extends Error {
  constructor(
    readonly index: number,
    readonly reason: string,
  ) {
    super(`records.${index}: ${reason}`);
  }
}

/**
 * An API batch of validated ledger records: every new row lands or none does, with the same column
 * mapping and statement as the file importer. Known ids are skipped and counted as duplicates.
 */
export async function importLedgerRecords(db: Db, kind: LedgerKind, records: readonly object[]): Promise<ImportResult> {
  const spec = KINDS[kind];
  const batch = new Batch(spec);
  records.forEach((record, index) => {
    const problem = rowProblem(spec, record as Record<string, unknown>);
    if (problem) throw new LedgerBatchRefused(index, problem);
    batch.add(index, record as Record<string, unknown>);
  });
  return withTransaction(db, async (tx) => {
    const { rows } = await tx.query<{ inserted: number; unknown_lines: number[] }>(batchInsertSql(spec), [
      batch.lines,
      ...batch.columns,
    ]);
    const { inserted, unknown_lines: unknown } = rows[0]!;
    const first = unknown.length ? Math.min(...unknown) : undefined;
    if (first !== undefined) {
      const account = String((records[first] as { accountId?: unknown }).accountId);
      throw new LedgerBatchRefused(first, `unknown account "${account}": PUT /v1/accounts/${account} first`);
    }
    return { received: records.length, inserted, duplicates: records.length - inserted };
  });
}
