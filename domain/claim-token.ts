import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The customer's secret for one claim. It is an HMAC of the claim id, so nothing secret is stored
 * and an idempotent resubmission can hand back the very same token.
 */
export function claimToken(secret: string, claimId: string): string {
  return `ct_${createHmac('sha256', secret).update(claimId).digest('base64url')}`;
}

export function isClaimToken(secret: string, claimId: string, presented: string): boolean {
  const expected = Buffer.from(claimToken(secret, claimId));
  const given = Buffer.from(presented);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
