import type { DateTime } from 'luxon';
import type { Deadline, DeadlineKind } from '../../common/claim';
import { publicHolidays } from './holidays';
import { instant } from './instant';
import type { LoadedPolicy } from './loaded';
import type { Calendar, PolicyPack } from './schema';

/** Monday to Friday, not a public holiday of the pack's region, in the pack's time zone. */
export function isBusinessDay(calendar: Calendar, day: DateTime): boolean {
  return day.weekday <= 5 && !publicHolidays(calendar.holidayRegion, day.year).has(day.toISODate() ?? '');
}

/**
 * The end (23:59:59.999 local) of the Nth business day after the local date of `fromIso`;
 * the starting day itself never counts, as "within 10 business days" of a request is read.
 */
export function addBusinessDays(calendar: Calendar, fromIso: string, businessDays: number): string {
  let day = instant(fromIso, calendar.timeZone).startOf('day');
  for (let counted = 0; counted < businessDays; ) {
    day = day.plus({ days: 1 });
    if (isBusinessDay(calendar, day)) counted += 1;
  }
  const due = day.endOf('day').toUTC().toISO();
  if (!due) throw new RangeError(`cannot compute a deadline from ${fromIso}`);
  return due;
}

function slaFor(pack: PolicyPack, kind: DeadlineKind): { businessDays: number; clause: string } {
  const { review, resolution, payout, customerReply } = pack.sla;
  switch (kind) {
    case 'review_warning':
      return { businessDays: review.warnBusinessDays, clause: review.clause };
    case 'review':
      return { businessDays: review.dueBusinessDays, clause: review.clause };
    case 'resolution':
      return { businessDays: resolution.dueBusinessDays, clause: resolution.clause };
    case 'payout':
      return { businessDays: payout.dueBusinessDays, clause: payout.clause };
    case 'customer_reply':
      return { businessDays: customerReply.waitBusinessDays, clause: customerReply.clause };
  }
}

/** A deadline of the pack's SLA, counted from `fromIso` (receipt for review/resolution, approval for payout). */
export function deadlineFor(policy: LoadedPolicy, kind: DeadlineKind, fromIso: string): Deadline {
  const { businessDays, clause } = slaFor(policy.pack, kind);
  return { kind, dueAt: addBusinessDays(policy.pack.calendar, fromIso, businessDays), businessDays, clause };
}
