/**
 * The one table `npm run bench` prints (part, figure, value, baseline, ratio, target, met) and the JSON it
 * keeps in bench/results/<date>.json.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { BenchFigure } from './suite';

const fmt = (n: number): string =>
  Number.isFinite(n) ? (Math.abs(n) >= 100 ? n.toFixed(0) : Number(n.toPrecision(3)).toString()) : 'n/a';

export function renderTable(figures: readonly BenchFigure[]): string {
  const header = ['part', 'figure', 'value', 'baseline', 'ratio', 'target', 'met'];
  const rows = figures.map((f) => [
    f.part,
    f.name,
    `${fmt(f.value)} ${f.unit}`,
    f.baseline ? `${fmt(f.baseline.value)} ${f.baseline.unit} (${f.baseline.name})` : '',
    f.ratio === undefined ? '' : `${fmt(f.ratio)}×`,
    f.target ?? '',
    f.met === undefined ? '' : f.met ? 'yes' : 'no',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

export interface BenchRun {
  startedAt: string;
  /** Null while the run is still going (or when it was cut short). */
  finishedAt: string | null;
  command: string;
  quick: boolean;
  machine: { cpus: number; cpuModel: string; memoryGb: number; loadAverageAtStart: number[] };
  stack: string;
  /** The worker settings every worker of the run used (worker/tuning.ts, WORKER_* env). */
  workerTuning: Record<string, number>;
  figures: BenchFigure[];
  errors: { part: string; message: string }[];
  /** Added by hand afterwards when a figure had to be withdrawn, saying why. */
  notes?: string[];
}

/**
 * Where this run's results go: bench/results/<date>.json; a second full run the same day, and every --quick
 * run (a check, not a figure to quote; git-ignored), get the time in the name.
 */
export function resultsFile(startedAt: string, quick: boolean): string {
  const dir = path.resolve(__dirname, '..', 'results');
  mkdirSync(dir, { recursive: true });
  const date = startedAt.slice(0, 10);
  const daily = path.join(dir, `${date}.json`);
  if (!quick && !existsSync(daily)) return daily;
  return path.join(dir, `${date}T${startedAt.slice(11, 19).replace(/:/g, '')}${quick ? '-quick' : ''}.json`);
}

/** Written after every part, so a run cut short keeps what it measured. */
export function saveResults(file: string, run: BenchRun): void {
  writeFileSync(file, `${JSON.stringify(run, null, 2)}\n`);
}

export function machine(): BenchRun['machine'] {
  return {
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    memoryGb: Number((os.totalmem() / 2 ** 30).toFixed(1)),
    loadAverageAtStart: os.loadavg().map((l) => Number(l.toFixed(2))),
  };
}
