/** One task queue for the claim and chargeback workflows and their activities. */
export const TASK_QUEUE = 'refund-desk';

/**
 * The workflow type new claims start as. `claimWorkflow` (workflows/claim-v1.ts) is the frozen type of claims
 * started before the lean workflow; both answer the same signals, queries and updates, found by workflow id.
 */
export const CLAIM_WORKFLOW_TYPE = 'claimWorkflowV2';

/** Every workflow type a claim may run as, for visibility queries: `WorkflowType IN (…)`. */
export const CLAIM_WORKFLOW_TYPES = ['claimWorkflow', CLAIM_WORKFLOW_TYPE] as const;

/** The workflow id is the claim id, so a second start for the same claim is impossible. */
export function claimWorkflowId(claimId: string): string {
  return `claim-${claimId}`;
}

/** Money-step idempotency keys come from the claim id, never from randomness. */
export function creditIdempotencyKey(claimId: string): string {
  return `claim:${claimId}:credit`;
}

export function payoutIdempotencyKey(claimId: string): string {
  return `claim:${claimId}:payout`;
}
