/**
 * The worker settings that decide its throughput, each from an env var so an operator can size a worker to its
 * machine without a rebuild. Unset vars keep the defaults below, chosen against `npm run bench` (bench/README.md);
 * docs/scale-out.md says when to change them.
 */
export const WORKER_TUNING_ENV = {
  /** Workflows kept in memory between tasks (sticky cache); one evicted is replayed from its history on its next task. */
  maxCachedWorkflows: 'WORKER_MAX_CACHED_WORKFLOWS',
  /** Workflow tasks run at once. */
  maxConcurrentWorkflowTaskExecutions: 'WORKER_WORKFLOW_TASK_SLOTS',
  /** Activities run at once: mostly waiting on PostgreSQL and SMTP, so more than the cores. */
  maxConcurrentActivityTaskExecutions: 'WORKER_ACTIVITY_TASK_SLOTS',
  /** Local activities run at once. */
  maxConcurrentLocalActivityExecutions: 'WORKER_LOCAL_ACTIVITY_SLOTS',
  /** Long polls for workflow tasks. */
  maxConcurrentWorkflowTaskPolls: 'WORKER_WORKFLOW_POLLERS',
  /** Long polls for activity tasks. */
  maxConcurrentActivityTaskPolls: 'WORKER_ACTIVITY_POLLERS',
} as const;

export type WorkerTuning = { [K in keyof typeof WORKER_TUNING_ENV]: number };

/** The SDK's own slots and pollers (varying them made no difference on 2 cores, bench/README.md) and an explicit cache. */
export const DEFAULT_WORKER_TUNING: WorkerTuning = {
  maxCachedWorkflows: 2_000,
  maxConcurrentWorkflowTaskExecutions: 40,
  maxConcurrentActivityTaskExecutions: 100,
  maxConcurrentLocalActivityExecutions: 100,
  maxConcurrentWorkflowTaskPolls: 10,
  maxConcurrentActivityTaskPolls: 10,
};

/** The tuning from `env`, each unset var taking its default; a bad value is refused at start. */
export function workerTuningFromEnv(env: NodeJS.ProcessEnv = process.env): WorkerTuning {
  const tuning = { ...DEFAULT_WORKER_TUNING };
  for (const [key, name] of Object.entries(WORKER_TUNING_ENV) as [keyof WorkerTuning, string][]) {
    const raw = env[name];
    if (raw === undefined || raw === '') continue;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 1) throw new Error(`${name}=${raw} must be a positive integer`);
    tuning[key] = n;
  }
  // The SDK refuses fewer than 2 workflow task slots or pollers, and more pollers than slots.
  if (tuning.maxConcurrentWorkflowTaskExecutions < 2)
    throw new Error(`${WORKER_TUNING_ENV.maxConcurrentWorkflowTaskExecutions} must be at least 2`);
  if (tuning.maxConcurrentWorkflowTaskPolls < 2)
    throw new Error(`${WORKER_TUNING_ENV.maxConcurrentWorkflowTaskPolls} must be at least 2`);
  tuning.maxConcurrentWorkflowTaskPolls = Math.min(
    tuning.maxConcurrentWorkflowTaskPolls,
    tuning.maxConcurrentWorkflowTaskExecutions,
  );
  return tuning;
}
