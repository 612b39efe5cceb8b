import {
  ScheduleAlreadyRunning,
  ScheduleOverlapPolicy,
  type Client,
  type ScheduleOptions,
  type ScheduleOptionsAction,
  type ScheduleSpec,
} from '@temporalio/client';
import type { Duration } from '@temporalio/common';
import { CREDIT_EXPIRY_SCHEDULE_ID } from '../domain/credits';
import type * as workflows from '../workflows';

/**
 * Creates the Temporal Schedule that runs creditExpiryWorkflow (hourly by default), or brings an
 * existing one up to date (task queue, interval), so every start of the desk may call it.
 */
export async function ensureCreditExpirySchedule(
  client: Client,
  options: { taskQueue: string; scheduleId?: string; every?: Duration },
): Promise<void> {
  const scheduleId = options.scheduleId ?? CREDIT_EXPIRY_SCHEDULE_ID;
  const spec: ScheduleSpec = { intervals: [{ every: options.every ?? '1 hour' }] };
  const action: ScheduleOptionsAction = {
    type: 'startWorkflow',
    workflowType: 'creditExpiryWorkflow' satisfies keyof typeof workflows,
    workflowId: scheduleId,
    taskQueue: options.taskQueue,
    args: [],
  };
  const policies: ScheduleOptions['policies'] = { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 day' };
  try {
    await client.schedule.create({ scheduleId, spec, action, policies });
  } catch (err) {
    if (!(err instanceof ScheduleAlreadyRunning)) throw err;
    await client.schedule.getHandle(scheduleId).update((previous) => ({ ...previous, spec, action, policies }));
  }
}
