import { proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { CreditActivities } from '../activities/credits';
import type { ExpiryResult } from '../domain/credits';

const { expireCredits } = proxyActivities<CreditActivities>({
  startToCloseTimeout: '30 minutes',
  heartbeatTimeout: '2 minutes',
  retry: { initialInterval: '5 seconds', maximumInterval: '5 minutes', nonRetryableErrorTypes: ['InvalidExpiryInput'] },
});

/**
 * One expiry pass, started by the `credit-expiry` Temporal Schedule (created at server start in
 * server/start-api.ts): every credit grant that expired by the time this run started loses what is left.
 * The start time is part of the workflow's history, so a replay or an activity retry uses the same
 * instant. It takes no input on purpose: nobody can expire credits "as of" a future date.
 */
export async function creditExpiryWorkflow(): Promise<ExpiryResult> {
  return expireCredits({ asOf: workflowInfo().startTime.toISOString() });
}
