import Holidays from 'date-holidays';

/** One holiday of a list, with its observed days, written in date-holidays' rule grammar. */
export interface HolidayRule {
  name: string;
  /** e.g. "11-11 and if saturday then previous friday if sunday then next monday": the day itself and its observed day. */
  rule: string;
}

/** A named list of holidays, taken from one official source, that a policy's business days skip. */
export interface HolidayList {
  name: string;
  /** The official document the days were written from. */
  source: string;
  days: readonly HolidayRule[];
}

const calendars = new Map<string, Holidays>();
const yearDays = new Map<string, Set<string>>();

const keyOf = (days: readonly HolidayRule[]) => days.map((d) => d.rule).join('\n');

/** A date-holidays calendar holding only the list's rules (no country data, so library updates cannot move a day). */
function calendarOf(days: readonly HolidayRule[]): Holidays {
  const key = keyOf(days);
  let calendar = calendars.get(key);
  if (!calendar) {
    calendar = new Holidays();
    for (const day of days) {
      if (!calendar.setHoliday(day.rule, { name: day.name, type: 'public' })) {
        throw new RangeError(`not a holiday rule: "${day.rule}" (${day.name})`);
      }
    }
    calendars.set(key, calendar);
  }
  return calendar;
}

/** The local ISO dates of one year on which the list's holidays or their observed days fall. */
export function holidayDates(list: Pick<HolidayList, 'days'>, year: number): ReadonlySet<string> {
  const key = `${year}\n${keyOf(list.days)}`;
  let dates = yearDays.get(key);
  if (!dates) {
    dates = new Set(
      calendarOf(list.days)
        .getHolidays(year)
        .map((h) => h.date.slice(0, 10)),
    );
    yearDays.set(key, dates);
  }
  return dates;
}

/** Whether date-holidays can read the rule ("3rd monday in January", "12-25 and if sunday then next monday"). */
export function isHolidayRule(rule: string): boolean {
  return new Holidays().setHoliday(rule, { name: 'check', type: 'public' });
}
