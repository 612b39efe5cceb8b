/**
 * Holds one process (with its threads and later children) to a share of the CPU through a cgroup of its own, so
 * that a benchmark can make that process the bound, as the engine is on a deployment where the workers, the API and
 * PostgreSQL have machines of their own. Linux only, and only where this process may write the cgroup tree (root,
 * or a delegated subtree): cgroup v1's cpu controller or cgroup v2's cpu.max.
 */
import { existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export interface CpuHold {
  /** Moves the process back to the root group and removes the group. */
  release(): void;
}

const PERIOD_US = 100_000;
const V1 = '/sys/fs/cgroup/cpu';
const V2 = '/sys/fs/cgroup';

/** Which cgroup tree can limit CPU here, if any. */
function cpuHierarchy(): { root: string; limit(group: string, cpus: number): void } | undefined {
  if (existsSync(path.join(V1, 'cpu.cfs_quota_us')) || existsSync(path.join(V1, 'cgroup.procs'))) {
    return {
      root: V1,
      limit(group, cpus) {
        writeFileSync(path.join(group, 'cpu.cfs_period_us'), String(PERIOD_US));
        writeFileSync(path.join(group, 'cpu.cfs_quota_us'), String(Math.round(cpus * PERIOD_US)));
      },
    };
  }
  const controllers = path.join(V2, 'cgroup.controllers');
  if (existsSync(controllers) && /\bcpu\b/.test(readFileSync(controllers, 'utf8'))) {
    return {
      root: V2,
      limit(group, cpus) {
        writeFileSync(path.join(V2, 'cgroup.subtree_control'), '+cpu');
        writeFileSync(path.join(group, 'cpu.max'), `${Math.round(cpus * PERIOD_US)} ${PERIOD_US}`);
      },
    };
  }
  return undefined;
}

/** Limits `pid` to `cpus` CPUs (0.5 = half of one core), or says why it cannot. */
export function holdToCpus(pid: number, cpus: number, name: string): CpuHold | { unavailable: string } {
  const tree = cpuHierarchy();
  if (!tree) return { unavailable: 'no writable cgroup cpu controller on this machine' };
  const group = path.join(tree.root, name);
  try {
    mkdirSync(group, { recursive: true });
    tree.limit(group, cpus);
    writeFileSync(path.join(group, 'cgroup.procs'), String(pid));
  } catch (err) {
    try {
      rmdirSync(group);
    } catch {
      // The group was never made, or holds nothing to undo.
    }
    return { unavailable: `cannot limit the CPU through ${tree.root}: ${(err as Error).message}` };
  }
  return {
    release() {
      try {
        writeFileSync(path.join(tree.root, 'cgroup.procs'), String(pid));
      } catch {
        // The process has exited: the group is empty already.
      }
      rmdirSync(group);
    },
  };
}
