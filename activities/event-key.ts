import { Context } from '@temporalio/activity';

/**
 * A claim-event key for an activity's own event: the workflow run plus the activity id is the same on
 * every retry of this activity and different for every other call, so a retry appends nothing twice.
 */
export function activityEventKey(type: string): string {
  const { workflowExecution, activityId } = Context.current().info;
  return `${workflowExecution?.runId ?? 'no-workflow'}:activity-${activityId}:${type}`;
}
