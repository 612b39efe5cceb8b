import { DateTime } from 'luxon';
import type { PolicyPack } from '../policy/schema';
import type { GrantKind } from './types';

export type ExpiryRule = PolicyPack['creditExpiry']['purchased'];

/**
 * The pack's expiry rule for a kind of grant: purchased and promotional credits have their own;
 * claim and service credits are the desk's remedy credits. null: the pack grants no such credits.
 */
export function expiryRuleFor(pack: PolicyPack, kind: GrantKind): ExpiryRule | null {
  switch (kind) {
    case 'purchased':
      return pack.creditExpiry.purchased;
    case 'promotional':
      return pack.creditExpiry.promotional;
    case 'claim':
    case 'service':
      return pack.creditExpiry.remedyCredit;
  }
}

/**
 * When a grant made at `grantedAt` expires under `rule`, or null if it never does. Days and months
 * are calendar days and months in the pack's time zone (so DST does not move the time of day, and
 * 12 months from 29 February is 28 February).
 */
export function creditExpiresAt(rule: ExpiryRule, grantedAt: Date, timeZone: string): Date | null {
  if (!rule.expires) return null;
  const start = DateTime.fromJSDate(grantedAt, { zone: timeZone });
  if (!start.isValid) throw new RangeError(`cannot compute expiry from ${grantedAt.toISOString()} in ${timeZone}`);
  if (rule.afterDays !== null) return start.plus({ days: rule.afterDays }).toJSDate();
  if (rule.afterMonths !== null) return start.plus({ months: rule.afterMonths }).toJSDate();
  throw new RangeError(`expiry rule ${rule.clause} expires but names neither days nor months`);
}
