/** One task queue for the claim and chargeback workflows and their activities. */
export const TASK_QUEUE = 'refund-desk';

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
