/**
 * P3's worker process: the Refund Desk worker process of wiring/worker.ts (claim dispatcher included), except that the
 * activity factory gets a deadline planner (ActivityDeps.deadlinePlanner) that makes the review deadline
 * fall due inside the benchmark's window instead of business days later.
 *
 * The window is read from BENCH_DUE_WINDOW_FILE at every planning call: {"fromMs": …, "spreadMs": 60000}
 * puts each claim's review deadline at a uniformly random instant in [fromMs, fromMs + spreadMs). Before
 * the file exists (the calibration claims) and for the other kinds, deadlines lie 30 days out, so every
 * claim still has pending SLA timers.
 */
import { readFileSync } from 'node:fs';
import type { DeadlinePlanner } from '../../activities/deps';
import { deadlineFor } from '../../domain/policy';
import { runWorkerProcess } from '../../wiring/worker';

const FAR_MS = 30 * 24 * 3_600_000;

function dueWindow(): { fromMs: number; spreadMs: number } | undefined {
  const file = process.env.BENCH_DUE_WINDOW_FILE;
  if (!file) return undefined;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as { fromMs: number; spreadMs: number };
  } catch {
    return undefined;
  }
}

/** The policy's deadline, moved: the review deadline into the window, everything else 30 days out. */
export const benchDeadlinePlanner: DeadlinePlanner = (policy, kind, fromIso) => {
  const real = deadlineFor(policy, kind, fromIso);
  const window = dueWindow();
  const dueMs =
    kind === 'review' && window
      ? window.fromMs + Math.floor(Math.random() * window.spreadMs)
      : Date.parse(fromIso) + FAR_MS;
  return { ...real, dueAt: new Date(dueMs).toISOString() };
};

if (require.main === module) {
  runWorkerProcess({ deadlinePlanner: benchDeadlinePlanner }).catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
