import { DateTime } from 'luxon';
import { holidayDates, type HolidayList } from './holiday-list';

/** A policy's business calendar: weekends and the days of one holiday list, in a time zone. */
export interface BusinessCalendar {
  timeZone: string;
  holidays: Pick<HolidayList, 'days'>;
}

const WEEKEND = new Set([6, 7]); // luxon weekdays: Saturday 6, Sunday 7

/** A weekday that is neither a listed holiday nor the observed day of one. */
export function isBusinessDay(localDay: DateTime, calendar: BusinessCalendar): boolean {
  if (WEEKEND.has(localDay.weekday)) return false;
  return !holidayDates(calendar.holidays, localDay.year).has(localDay.toISODate() ?? '');
}

function localDayOf(moment: Date, calendar: BusinessCalendar): DateTime {
  const local = DateTime.fromJSDate(moment, { zone: calendar.timeZone });
  if (!local.isValid) throw new RangeError(`invalid time zone ${calendar.timeZone}`);
  return local.startOf('day');
}

/** Due instants already counted, per holiday list: claims of one day share their deadlines. */
const counted = new WeakMap<object, Map<string, number>>();
/** A long-running worker meets new days forever; the memo starts over rather than grow. */
const MAX_COUNTED = 10_000;

function countedFor(calendar: BusinessCalendar): Map<string, number> {
  let memo = counted.get(calendar.holidays);
  if (!memo || memo.size >= MAX_COUNTED) counted.set(calendar.holidays, (memo = new Map()));
  return memo;
}

/**
 * The end of the Nth business day after the local day of `from`
 * (so 1 business day after a Friday-afternoon claim is the end of Monday, holidays skipped).
 */
export function addBusinessDays(from: Date, businessDays: number, calendar: BusinessCalendar): Date {
  if (!Number.isInteger(businessDays) || businessDays < 0) {
    throw new RangeError(`business days must be a non-negative integer, got ${businessDays}`);
  }
  const start = localDayOf(from, calendar);
  // Stepping day by day through luxon was a few percent of the worker's CPU per claim.
  const memo = countedFor(calendar);
  const key = `${calendar.timeZone} ${start.toISODate()} ${businessDays}`;
  const known = memo.get(key);
  if (known !== undefined) return new Date(known);
  let day = start;
  for (let n = 0; n < businessDays;) {
    day = day.plus({ days: 1 });
    if (isBusinessDay(day, calendar)) n += 1;
  }
  const due = day.endOf('day').toJSDate();
  memo.set(key, due.getTime());
  return due;
}

/** Business days whose whole local day falls after `from`'s local day, up to and including `to`'s local day. */
export function businessDaysBetween(from: Date, to: Date, calendar: BusinessCalendar): number {
  const last = localDayOf(to, calendar);
  let count = 0;
  for (let day = localDayOf(from, calendar).plus({ days: 1 }); day <= last; day = day.plus({ days: 1 })) {
    if (isBusinessDay(day, calendar)) count += 1;
  }
  return count;
}
