/**
 * P1's baseline: a workflow with as many activities as an auto-credited claim runs, each doing nothing,
 * with the claim workflow's activity options. What it costs is what the engine itself costs.
 */
import { proxyActivities, proxyLocalActivities, upsertSearchAttributes } from '@temporalio/workflow';
import { ClaimStatusAttribute } from '../../common/search-attributes';

type NoopActivities = { noop(): Promise<void> };

const { noop } = proxyActivities<NoopActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});

const local = proxyLocalActivities<NoopActivities>({ startToCloseTimeout: '5 seconds' });

export async function bareWorkflow(activityCount: number): Promise<number> {
  for (let i = 0; i < activityCount; i++) await noop();
  return activityCount;
}

/**
 * P1's ceiling: the Temporal shape of an automatically credited claim (flow revision 1, workflows/claim.ts) with
 * every step doing nothing, started with the claim's memo and search attributes. A claim can go no faster than
 * this on the same server; what it loses to it is its own work (PostgreSQL, mail, the HTTP intake).
 */
export async function claimShapedWorkflow(): Promise<void> {
  await noop(); // the opening move and the evidence check
  await local.noop(); // the decision and its credit
  await noop(); // the mails and the closing move
  upsertSearchAttributes([{ key: ClaimStatusAttribute, value: 'closed' }]);
}
