import { Context } from '@temporalio/activity';

/** Often enough that a heartbeat timeout of a few seconds notices a dead worker. */
const HEARTBEAT_EVERY_MS = 1_000;

/**
 * Runs long work (the evidence query of a big claim, a ledger scan) while telling Temporal every second that
 * the worker is alive, so with a heartbeat timeout on the activity a crashed worker is noticed in seconds,
 * not after the whole start-to-close timeout. Outside an activity (tests calling the function) it just runs.
 */
export async function whileHeartbeating<T>(work: () => Promise<T>, details?: unknown): Promise<T> {
  const context = currentContext();
  if (!context) return work();
  context.heartbeat(details);
  const timer = setInterval(() => context.heartbeat(details), HEARTBEAT_EVERY_MS);
  try {
    return await work();
  } finally {
    clearInterval(timer);
  }
}

function currentContext(): Context | null {
  try {
    return Context.current();
  } catch {
    return null;
  }
}
