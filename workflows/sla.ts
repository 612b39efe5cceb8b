import { condition } from '@temporalio/workflow';
import type { Deadline } from '../common/claim';
import { msUntil } from './clock';

/**
 * Waits until `done()` holds, firing `onDue` for each deadline that passes first, in due order.
 * A deadline passing is a normal outcome (a warning or an escalation), not an error.
 * `fired` remembers what was already fired, so re-entering the wait never fires a deadline twice.
 * `backstopMs` fires each one that much after its due time: the deadline sweep fires it on time.
 */
export async function waitWithDeadlines(
  done: () => boolean,
  deadlines: readonly Deadline[],
  fired: Set<string>,
  onDue: (deadline: Deadline) => Promise<void>,
  backstopMs = 0,
): Promise<void> {
  const pending = deadlines
    .filter((d) => !fired.has(deadlineKey(d)))
    .sort((a, b) => Date.parse(a.dueAt) - Date.parse(b.dueAt));
  for (const deadline of pending) {
    const remaining = msUntil(deadline.dueAt) + backstopMs;
    if (
      done() ||
      (remaining > 0 &&
        (await condition(done, remaining, {
          summary: `${deadline.kind} deadline ${deadline.dueAt} (${deadline.clause})`,
        })))
    )
      return;
    fired.add(deadlineKey(deadline));
    await onDue(deadline);
  }
  await condition(done);
}

export function deadlineKey(d: Deadline): string {
  return `${d.kind}@${d.dueAt}`;
}
