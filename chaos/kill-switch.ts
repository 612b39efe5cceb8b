import { appendFileSync } from 'node:fs';
import type { ActivityInterceptorsFactory } from '@temporalio/worker';

/** Where a chaos worker kills itself: around the nth run of one activity of one of the named workflows. */
export interface KillPlan {
  /** Only activities of these workflows count, so claims left over from earlier rounds never trigger a kill. */
  workflowIds: string[];
  activity: string;
  /** 1-based: the nth time this activity starts for one workflow, counted per workflow in this process. */
  occurrence: number;
  /** before: the activity was handed to the worker but did nothing; after: its work is done, its result unsent. */
  phase: 'before' | 'after';
}

/** One activity start as a chaos worker saw it (the clean run's trace gives the boundaries to kill at). */
export interface TraceLine {
  workflowId: string;
  activity: string;
  isLocal: boolean;
  attempt: number;
}

function killNow(): never {
  // SIGKILL: no handler, no drain, no flush; exactly what a crashed host does to the worker.
  process.kill(process.pid, 'SIGKILL');
  throw new Error('unreachable: SIGKILL did not end the process');
}

/**
 * An activity inbound interceptor that SIGKILLs its own process at the planned boundary, and writes every
 * activity start to `traceFile`. The SDK runs local activities through the same interceptors (isLocal is traced).
 */
export function chaosKillSwitch(
  armed: { plan: KillPlan | null },
  traceFile: string | null,
): ActivityInterceptorsFactory {
  const seen = new Map<string, number>();
  return (ctx) => ({
    inbound: {
      async execute(input, next) {
        const info = ctx.info;
        const workflowId = info.workflowExecution?.workflowId ?? '';
        if (traceFile) {
          const line: TraceLine = {
            workflowId,
            activity: info.activityType,
            isLocal: info.isLocal,
            attempt: info.attempt,
          };
          appendFileSync(traceFile, `${JSON.stringify(line)}\n`);
        }
        const plan = armed.plan;
        const target = plan !== null && plan.workflowIds.includes(workflowId) && info.activityType === plan.activity;
        const count = target ? (seen.get(workflowId) ?? 0) + 1 : 0;
        if (target) seen.set(workflowId, count);
        const here = target && count === plan.occurrence;
        if (here && plan.phase === 'before') killNow();
        const result = await next(input);
        if (here && plan.phase === 'after') killNow();
        return result;
      },
    },
  });
}

/** The plan a chaos worker gets on its first line of stdin (JSON; `null` for a worker that never kills itself). */
export function readKillPlan(stdin: NodeJS.ReadableStream): Promise<KillPlan | null> {
  return new Promise((resolve, reject) => {
    let text = '';
    const onData = (chunk: Buffer) => {
      text += chunk.toString();
      const end = text.indexOf('\n');
      if (end < 0) return;
      stdin.off('data', onData);
      resolve(JSON.parse(text.slice(0, end)) as KillPlan | null);
    };
    stdin.on('data', onData);
    stdin.once('end', () => reject(new Error('stdin closed before a kill plan arrived')));
  });
}
