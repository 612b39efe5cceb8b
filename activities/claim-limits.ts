import { ApplicationFailure } from '@temporalio/activity';
import { MAX_REQUEST_IDS_PER_CLAIM } from '../common/claim';
import type { CustomerReplyInput } from '../common/messages';
import { REFUSALS } from '../common/refusals';
import { getClaim } from '../db/claims';
import type { Queryable } from '../db';

/**
 * A reply adds its request ids to the claim's; together they may not pass MAX_REQUEST_IDS_PER_CLAIM, the
 * most the desk can assess in one evidence check. Refused as a business refusal (422), nothing merged.
 */
export async function assertReplyWithinLimits(
  tx: Queryable,
  claimId: string,
  reply: CustomerReplyInput,
): Promise<void> {
  if (!reply.requestIds?.length) return;
  const ids = new Set([...(await getClaim(tx, claimId)).requestIds, ...reply.requestIds]);
  if (ids.size <= MAX_REQUEST_IDS_PER_CLAIM) return;
  throw ApplicationFailure.create({
    type: REFUSALS.policyViolation,
    message: `a claim names at most ${MAX_REQUEST_IDS_PER_CLAIM} request ids; with this reply it would name ${ids.size}. Send the rest as a new claim.`,
    nonRetryable: true,
    details: ['too_many_request_ids'],
  });
}
