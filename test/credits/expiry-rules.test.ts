import { creditExpiresAt, expiryRuleFor } from '../../domain/credits';
import { loadPolicyPacks } from '../../domain/policy';

const packs = loadPolicyPacks();
const pack = (id: string) => packs.get(id)!.pack;
const at = (iso: string) => new Date(iso);
const expiry = (id: string, kind: Parameters<typeof expiryRuleFor>[1], grantedAt: string) => {
  const rule = expiryRuleFor(pack(id), kind);
  return rule && creditExpiresAt(rule, at(grantedAt), pack(id).calendar.timeZone)?.toISOString();
};

describe('expiry from the policy packs', () => {
  it('pixazo-api: purchased 365 days, promotional 90, counted in New York calendar days across DST', () => {
    // 2026-01-10 09:00 EST + 365 days = 2027-01-10 09:00 EST.
    expect(expiry('pixazo-api', 'purchased', '2026-01-10T14:00:00Z')).toBe('2027-01-10T14:00:00.000Z');
    // 2026-02-01 09:00 EST + 90 days = 2026-05-02 09:00 EDT (13:00Z): the time of day stays, not 90 × 24 h.
    expect(expiry('pixazo-api', 'promotional', '2026-02-01T14:00:00Z')).toBe('2026-05-02T13:00:00.000Z');
    expect(expiry('pixazo-api', 'claim', '2026-01-10T14:00:00Z')).toBe('2027-01-10T14:00:00.000Z');
  });

  it('sora2-api: 12 calendar months in Los Angeles, clamped at month end', () => {
    expect(expiry('sora2-api', 'purchased', '2026-03-15T19:00:00Z')).toBe('2027-03-15T19:00:00.000Z');
    // 29 February 2028 10:00 PST + 12 months = 28 February 2029 10:00 PST.
    expect(expiry('sora2-api', 'purchased', '2028-02-29T18:00:00Z')).toBe('2029-02-28T18:00:00.000Z');
    expect(expiryRuleFor(pack('sora2-api'), 'promotional')).toBeNull();
  });

  it('imaginator: service credits expire after 12 months; it sells no expiring credits', () => {
    expect(expiry('imaginator', 'service', '2026-07-01T16:00:00Z')).toBe('2027-07-01T16:00:00.000Z');
    expect(expiry('imaginator', 'purchased', '2026-07-01T16:00:00Z')).toBeUndefined();
  });

  it('apiany: credits never expire', () => {
    for (const kind of ['purchased', 'promotional', 'claim', 'service'] as const) {
      expect(expiry('apiany', kind, '2026-07-01T16:00:00Z')).toBeUndefined();
    }
  });
});
