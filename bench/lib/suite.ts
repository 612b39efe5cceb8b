/**
 * The shape every part of `npm run bench` (P1–P5) reports in: each figure is measured in the same run as
 * its baseline, because absolute times on a shared machine vary from run to run.
 */
export interface BenchFigure {
  /** P1 … P5. */
  part: string;
  /** What was measured, e.g. "auto-credited claims/s, 1,000 claims". */
  name: string;
  value: number;
  unit: string;
  /** The baseline measured in this same run, when the figure is a ratio to one. */
  baseline?: { name: string; value: number; unit: string };
  /** value ÷ baseline.value; say in `name` when a lower value is better. */
  ratio?: number;
  /** The target in words, and whether this run met it. */
  target?: string;
  met?: boolean;
  /** Further measured numbers worth keeping in the JSON (CPU ms, p50, max, …). */
  detail?: Record<string, number | string>;
}

/** Where a bench part finds the stack it measures. */
export interface BenchStack {
  apiUrl: string;
  temporalAddress: string;
  namespace: string;
  taskQueue: string;
  databaseUrl: string;
  /** The API process, when the bench started it: its CPU is read from /proc. */
  apiPid?: number;
}

export interface BenchOptions {
  /** A short run (smaller counts) to check the bench works, not to quote. */
  quick: boolean;
  log(message: string): void;
}

export type BenchPart = (stack: BenchStack, options: BenchOptions) => Promise<BenchFigure[]>;
