import { DEFAULT_WORKER_TUNING, workerTuningFromEnv } from '../../worker/tuning';

describe('worker settings from the environment', () => {
  it('keeps the documented defaults when no WORKER_* variable is set', () => {
    expect(workerTuningFromEnv({})).toEqual(DEFAULT_WORKER_TUNING);
  });

  it('takes each setting from its own variable', () => {
    expect(
      workerTuningFromEnv({
        WORKER_MAX_CACHED_WORKFLOWS: '10000',
        WORKER_WORKFLOW_TASK_SLOTS: '8',
        WORKER_ACTIVITY_TASK_SLOTS: '50',
        WORKER_LOCAL_ACTIVITY_SLOTS: '60',
        WORKER_WORKFLOW_POLLERS: '4',
        WORKER_ACTIVITY_POLLERS: '3',
      }),
    ).toEqual({
      maxCachedWorkflows: 10_000,
      maxConcurrentWorkflowTaskExecutions: 8,
      maxConcurrentActivityTaskExecutions: 50,
      maxConcurrentLocalActivityExecutions: 60,
      maxConcurrentWorkflowTaskPolls: 4,
      maxConcurrentActivityTaskPolls: 3,
    });
  });

  it('never polls for more workflow tasks than it has slots for', () => {
    expect(
      workerTuningFromEnv({ WORKER_WORKFLOW_TASK_SLOTS: '4', WORKER_WORKFLOW_POLLERS: '10' })
        .maxConcurrentWorkflowTaskPolls,
    ).toBe(4);
  });

  it('refuses a value that is not a positive integer, naming the variable', () => {
    expect(() => workerTuningFromEnv({ WORKER_ACTIVITY_TASK_SLOTS: 'lots' })).toThrow(
      /WORKER_ACTIVITY_TASK_SLOTS=lots/,
    );
    expect(() => workerTuningFromEnv({ WORKER_MAX_CACHED_WORKFLOWS: '0' })).toThrow(/WORKER_MAX_CACHED_WORKFLOWS/);
    expect(() => workerTuningFromEnv({ WORKER_WORKFLOW_TASK_SLOTS: '1' })).toThrow(/at least 2/);
  });
});
