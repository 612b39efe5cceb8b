/**
 * P1's baseline: a workflow with as many activities as an auto-credited claim runs, each doing nothing,
 * with the claim workflow's activity options. What it costs is what the engine itself costs.
 */
import { proxyActivities } from '@temporalio/workflow';

const { noop } = proxyActivities<{ noop(): Promise<void> }>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});

export async function bareWorkflow(activityCount: number): Promise<number> {
  for (let i = 0; i < activityCount; i++) await noop();
  return activityCount;
}
