import type { LedgerOutage } from '../../common/ledger';
import { epochMs } from './instant';

/** Half-open interval of epoch milliseconds. */
export interface Interval {
  start: number;
  end: number;
}

/** Outages the platform answers for: not planned maintenance and not force majeure. */
export function isEligibleOutage(outage: LedgerOutage): boolean {
  return !outage.scheduled && !outage.forceMajeure;
}

/** An outage still open has no end yet; `openUntil` (the claim's submission) stands in for "now". */
export function outageInterval(outage: LedgerOutage, openUntil: number): Interval {
  return { start: epochMs(outage.startedAt), end: outage.endedAt === null ? openUntil : epochMs(outage.endedAt) };
}

/** Whether a request running over [start, end] overlaps the outage; a zero-length request is a point. */
export function overlapsRequest(outage: Interval, requestStart: number, requestEnd: number): boolean {
  return requestStart < outage.end && outage.start <= requestEnd;
}

export function clip(interval: Interval, bounds: Interval): Interval | null {
  const start = Math.max(interval.start, bounds.start);
  const end = Math.min(interval.end, bounds.end);
  return end > start ? { start, end } : null;
}

/** Merges overlapping intervals so simultaneous outages are not counted twice. */
export function union(intervals: readonly Interval[]): Interval[] {
  const sorted = [...intervals].sort((a, b) => a.start - b.start);
  const merged: Interval[] = [];
  for (const next of sorted) {
    const last = merged[merged.length - 1];
    if (last && next.start <= last.end) last.end = Math.max(last.end, next.end);
    else merged.push({ ...next });
  }
  return merged;
}

export function totalLength(intervals: readonly Interval[]): number {
  return intervals.reduce((sum, i) => sum + (i.end - i.start), 0);
}
