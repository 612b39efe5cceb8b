import { readFileSync } from 'node:fs';
import type { PathName } from './cases';
import type { TraceLine } from './kill-switch';

/** One activity boundary of a money path: before or after the nth run of an activity in one workflow. */
export interface Boundary {
  path: PathName;
  activity: string;
  occurrence: number;
  phase: 'before' | 'after';
  isLocal: boolean;
}

/** The activity sequence of one path in a clean run, read from the chaos worker's trace. */
export interface PathSequence {
  path: PathName;
  activities: { activity: string; occurrence: number; isLocal: boolean }[];
}

export function readTrace(file: string): TraceLine[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as TraceLine);
}

/** The clean run's activities of one workflow, numbered per activity type as the kill switch counts them. */
export function sequenceOf(path: PathName, trace: TraceLine[], workflowId: string): PathSequence {
  const seen = new Map<string, number>();
  const activities = trace
    .filter((t) => t.workflowId === workflowId)
    .map((t) => {
      const occurrence = (seen.get(t.activity) ?? 0) + 1;
      seen.set(t.activity, occurrence);
      return { activity: t.activity, occurrence, isLocal: t.isLocal };
    });
  return { path, activities };
}

/** Every boundary of every path: before and after each activity the clean run executed. */
export function allBoundaries(sequences: PathSequence[]): Boundary[] {
  return sequences.flatMap((s) =>
    s.activities.flatMap((a) => (['before', 'after'] as const).map((phase) => ({ path: s.path, ...a, phase }))),
  );
}

/** The kill plan of a run: `count` boundaries, each path's boundaries interleaved, repeated when count exceeds them. */
export function killRounds(boundaries: Boundary[], count: number): Boundary[] {
  // Interleave the paths so a short run still touches each of them, and consecutive rounds differ in path.
  const byPath = new Map<PathName, Boundary[]>();
  for (const b of boundaries) byPath.set(b.path, [...(byPath.get(b.path) ?? []), b]);
  const lanes = [...byPath.values()];
  const interleaved: Boundary[] = [];
  for (let i = 0; interleaved.length < boundaries.length; i++) {
    for (const lane of lanes) if (lane[i]) interleaved.push(lane[i]!);
  }
  if (count >= interleaved.length) {
    return Array.from({ length: count }, (_, i) => interleaved[i % interleaved.length]!);
  }
  // A short run spreads its kills evenly over the interleaved list.
  const step = interleaved.length / count;
  return Array.from({ length: count }, (_, i) => interleaved[Math.floor(i * step)]!);
}
