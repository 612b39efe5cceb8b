import { getClaim, type ClaimRecord } from '../db/claims';
import type { LoadedPolicy } from '../domain/policy';
import type { ActivityDeps } from './deps';

/** A claim together with the exact policy version it was submitted under. */
export interface PinnedClaim {
  claim: ClaimRecord;
  policy: LoadedPolicy;
}

export async function loadPinnedClaim(
  { db, policies }: Pick<ActivityDeps, 'db' | 'policies'>,
  claimId: string,
): Promise<PinnedClaim> {
  const claim = await getClaim(db, claimId);
  return { claim, policy: await policies.pinned(claim.policyId, claim.policyVersion) };
}
