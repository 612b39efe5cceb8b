import type { ClaimReason } from '../../common/claim';
import { instant } from './instant';
import type { PolicyPack } from './schema';

/**
 * "Within N days of" the event: the claim may arrive any time up to the end of the Nth calendar day
 * after the event's local date in the policy's time zone.
 */
export function withinClaimWindow(pack: PolicyPack, eventAt: string, submittedAt: string): boolean {
  const event = instant(eventAt, pack.calendar.timeZone);
  const closesAt = event.startOf('day').plus({ days: pack.claimWindow.days + 1 });
  return instant(submittedAt) < closesAt;
}

export function windowApplies(pack: PolicyPack, reason: ClaimReason): boolean {
  return pack.claimWindow.appliesTo.includes(reason);
}
