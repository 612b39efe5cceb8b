/**
 * The workflow's clock. Inside the Temporal sandbox `Date` is replaced by the SDK with the
 * deterministic workflow-task time, so this is the one sanctioned place that reads it.
 */
export function workflowNow(): number {
  // eslint-disable-next-line no-restricted-properties -- the SDK's deterministic Date, not the wall clock
  return Date.now();
}

export function workflowNowIso(): string {
  return new Date(workflowNow()).toISOString();
}

/** Milliseconds from now until an ISO instant; never negative. */
export function msUntil(isoInstant: string): number {
  return Math.max(0, Date.parse(isoInstant) - workflowNow());
}
