/**
 * CPU and memory of the processes a benchmark measures, read from /proc (Linux): a process's own CPU plus,
 * for a server such as PostgreSQL, its children's (live ones directly, exited ones through the parent's
 * cutime/cstime).
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

let ticksPerSecond: number | undefined;
function clockTicks(): number {
  ticksPerSecond ??= Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  return ticksPerSecond;
}

interface Stat {
  pid: number;
  ppid: number;
  /** utime + stime, in ticks. */
  own: number;
  /** cutime + cstime: waited-for children that exited, in ticks. */
  children: number;
}

function readStat(pid: number): Stat | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // The command name may hold spaces and parentheses: fields start after the last ')'.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  const n = (i: number) => Number(fields[i - 3]);
  return { pid, ppid: n(4), own: n(14) + n(15), children: n(16) + n(17) };
}

function allStats(): Stat[] {
  const stats: Stat[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const s = readStat(Number(entry));
    if (s) stats.push(s);
  }
  return stats;
}

/** CPU milliseconds used so far by `pid` and every process below it. */
export function cpuMsOfTree(pid: number): number {
  const stats = allStats();
  const byParent = new Map<number, Stat[]>();
  for (const s of stats) byParent.set(s.ppid, [...(byParent.get(s.ppid) ?? []), s]);
  const root = stats.find((s) => s.pid === pid);
  if (!root) return NaN;
  let ticks = root.own + root.children;
  const stack = [...(byParent.get(pid) ?? [])];
  for (let s = stack.pop(); s; s = stack.pop()) {
    ticks += s.own;
    stack.push(...(byParent.get(s.pid) ?? []));
  }
  return (ticks * 1000) / clockTicks();
}

/** Resident memory of one process, in MB. */
export function rssMb(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1]);
    return kb / 1024;
  } catch {
    return NaN;
  }
}

/** CPU milliseconds this process used itself (not its children, which are the processes measured). */
const ownCpuMs = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};

/**
 * A CPU meter over named process trees: start(), then read the milliseconds each used since. `bench` is this
 * process alone (the load driver and the in-process mail sink), which competes for the same cores.
 */
export function cpuMeter(pids: Record<string, number | undefined>): () => Record<string, number> {
  const start = Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, pid ? cpuMsOfTree(pid) : NaN]));
  const benchStart = ownCpuMs();
  return () => ({
    ...Object.fromEntries(
      Object.entries(pids).map(([name, pid]) => [name, pid ? cpuMsOfTree(pid) - start[name]! : NaN]),
    ),
    bench: ownCpuMs() - benchStart,
  });
}
