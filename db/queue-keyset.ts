/**
 * Keyset paging for queues ordered by due time then id. Rows without a due time sort after all others in either
 * direction, and a page starts strictly after the last row of the one before, so no row is skipped or shown twice
 * however many rows share a due time.
 */

/** Where the next page starts: the last row's due time (microseconds, UTC; null when it has none) and id. */
export interface QueuePosition {
  dueKey: string | null;
  id: string;
}

export type DueDirection = 'asc' | 'desc';

/** A due time as exact text: JavaScript dates keep milliseconds only, and a rounded key would repeat a row. */
export const dueKeySql = (column: string) => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

/** The due-time format `dueKeySql` writes; a cursor carrying anything else is refused before it reaches SQL. */
export const DUE_KEY_PATTERN = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

const NO_DUE: Record<DueDirection, string> = { asc: `'infinity'::timestamptz`, desc: `'-infinity'::timestamptz` };

/** The sort key: missing due times become the far end, so they come last either way. */
export function dueOrderKey(due: string, direction: DueDirection): string {
  return `coalesce(${due}, ${NO_DUE[direction]})`;
}

/** `ORDER BY` for due time then id. */
export function dueOrderBy(due: string, id: string, direction: DueDirection): string {
  const dir = direction === 'asc' ? 'ASC' : 'DESC';
  return `${dueOrderKey(due, direction)} ${dir}, ${id} ${dir}`;
}

/** The condition that starts a page after `after`; pushes its values onto `params`. */
export function afterPosition(
  due: string,
  id: string,
  direction: DueDirection,
  after: QueuePosition,
  params: unknown[],
): string {
  const op = direction === 'asc' ? '>' : '<';
  const dueParam = `$${params.push(after.dueKey)}::timestamptz`;
  return `(${dueOrderKey(due, direction)}, ${id}) ${op} (coalesce(${dueParam}, ${NO_DUE[direction]}), $${params.push(after.id)})`;
}
