import { getClaim, type ClaimRecord } from '../db/claims';
import type { LoadedPolicy } from '../domain/policy';
import type { ActivityDeps } from './deps';

/** A claim together with the exact policy version it was submitted under. */
export async function loadPinnedClaim(
  { db, policies }: Pick<ActivityDeps, 'db' | 'policies'>,
  claimId: string,
): Promise<{ claim: ClaimRecord; policy: LoadedPolicy }> {
  const claim = await getClaim(db, claimId);
  return { claim, policy: await policies.pinned(claim.policyId, claim.policyVersion) };
}
