import { createClaimActivities } from './claims';
import { createDeadlineActivities } from './deadlines';
import type { ActivityDeps } from './deps';
import { createNotificationActivities } from './notifications';
import { createRemedyActivities } from './remedies';

export type { ActivityDeps } from './deps';

/** Built once in the worker; workflows see only `ReturnType<typeof createActivities>`. */
export function createActivities(deps: ActivityDeps) {
  return {
    ...createClaimActivities(deps),
    ...createDeadlineActivities(deps),
    ...createRemedyActivities(deps),
    ...createNotificationActivities(deps),
  };
}

export type RefundDeskActivities = ReturnType<typeof createActivities>;
