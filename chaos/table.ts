import type { ChaosCase } from './cases';
import type { Findings } from './checks';

/** One line of the chaos table: a kind of fault, how often it was injected, into how many cases, and what broke. */
export interface Row {
  fault: string;
  injected: number;
  cases: ChaosCase[];
  found: Findings;
  ms: number;
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** Prints the table and every finding; returns the exit code (1 on any duplicate or loss). */
export function printTable(rows: Row[], totalMs: number): number {
  const header = ['fault', 'faults injected', 'claims', 'duplicates', 'losses', 'time'];
  const body = rows.map((r) => [
    r.fault,
    String(r.injected),
    String(r.cases.length),
    String(r.found.duplicates.length),
    String(r.found.losses.length),
    seconds(r.ms),
  ]);
  const sum = (pick: (r: Row) => number) => String(rows.reduce((n, r) => n + pick(r), 0));
  body.push([
    'total',
    sum((r) => r.injected),
    sum((r) => r.cases.length),
    sum((r) => r.found.duplicates.length),
    sum((r) => r.found.losses.length),
    seconds(totalMs),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: string[]) =>
    `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' | ')} |`;
  const out = [
    line(header),
    `|${widths.map((w, i) => (i === 0 ? '-'.repeat(w + 2) : `${'-'.repeat(w + 1)}:`)).join('|')}|`,
  ];
  out.push(...body.map(line));
  console.log(`\n${out.join('\n')}\n`);
  let bad = 0;
  for (const r of rows) {
    for (const d of r.found.duplicates) console.log(`DUPLICATE  [${r.fault}] ${d}`);
    for (const l of r.found.losses) console.log(`LOSS       [${r.fault}] ${l}`);
    for (const m of r.found.resends ?? []) console.log(`RESEND     [${r.fault}] ${m}`);
    bad += r.found.duplicates.length + r.found.losses.length;
  }
  console.log(bad ? `chaos: ${bad} findings` : 'chaos: 0 duplicates, 0 losses');
  return bad ? 1 : 0;
}
