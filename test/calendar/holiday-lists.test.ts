import Holidays from 'date-holidays';
import { DateTime } from 'luxon';
import { addBusinessDays, businessDaysBetween, isBusinessDay } from '../../domain/calendar/business-days';
import { holidayDates } from '../../domain/calendar/holiday-list';
import { CALIFORNIA_STATE_HOLIDAYS, US_FEDERAL_HOLIDAYS } from '../../domain/calendar/standard-lists';
import { deadlineFor, loadPolicyPacks } from '../../domain/policy';
import { PACK_LISTS } from './official-lists';

const POLICIES = loadPolicyPacks();
const calendarOf = (id: string) => POLICIES.get(id)!.pack.calendar;
const US = calendarOf('pixazo-api');

/** Every local day of the year, with whether the pack's calendar counts it as a business day. */
function yearOf(id: string, year: number) {
  const days: { iso: string; weekday: boolean; business: boolean }[] = [];
  for (
    let d = DateTime.fromObject({ year, month: 1, day: 1 }, { zone: 'UTC' });
    d.year === year;
    d = d.plus({ days: 1 })
  ) {
    days.push({ iso: d.toISODate()!, weekday: d.weekday <= 5, business: isBusinessDay(d, calendarOf(id)) });
  }
  return days;
}

describe('holiday calendars against the official lists', () => {
  it('covers every published pack', () => {
    expect([...POLICIES.keys()].sort()).toEqual(Object.keys(PACK_LISTS).sort());
  });

  it.each(Object.entries(PACK_LISTS))('%s names the list it uses and its source', (id, official) => {
    const { holidays } = calendarOf(id);
    expect(holidays.name).toBe(official.name);
    expect(holidays.source).toContain(official.source);
    // The pack's copy is the standard list of that name (the one stored packs without a list are upgraded to).
    expect(holidays).toEqual([US_FEDERAL_HOLIDAYS, CALIFORNIA_STATE_HOLIDAYS].find((l) => l.name === holidays.name));
  });

  const cases = Object.entries(PACK_LISTS).flatMap(([id, official]) =>
    Object.entries(official.weekdayClosures).map(([year, closures]) => [id, Number(year), closures] as const),
  );
  it.each(cases)(
    '%s in %d: a day is a business day exactly when it is a weekday off the official list',
    (id, year, closures) => {
      const days = yearOf(id, year);
      expect(days).toHaveLength(year % 4 === 0 ? 366 : 365);
      expect(days.filter((d) => d.weekday && !d.business).map((d) => d.iso)).toEqual(closures);
      expect(days.filter((d) => !d.weekday && d.business)).toEqual([]);
    },
  );

  it("matches date-holidays' own US data, observed days included, 2021 to 2040", () => {
    const library = new Holidays('US');
    for (let year = 2021; year <= 2040; year += 1) {
      const federal = library
        .getHolidays(year)
        .filter((h) => h.type === 'public' || h.substitute) // Veterans Day's observed day is typed "bank"
        .map((h) => h.date.slice(0, 10));
      expect([...holidayDates(US.holidays, year)].sort()).toEqual([...new Set(federal)].sort());
    }
  });
});

describe('observed US federal holidays are not business days', () => {
  const endOfDayInNewYork = (iso: string) =>
    DateTime.fromISO(iso, { zone: 'America/New_York' }).endOf('day').toUTC().toISO();

  it('Fri 2028-11-10, Veterans Day observed: one business day after Thursday is Monday', () => {
    expect(isBusinessDay(DateTime.fromISO('2028-11-10'), US)).toBe(false);
    expect(addBusinessDays(new Date('2028-11-09T15:00:00Z'), 1, US).toISOString()).toBe(
      endOfDayInNewYork('2028-11-13'),
    );
  });

  it('Mon 2029-11-12, Veterans Day observed: one business day after Friday is Tuesday', () => {
    expect(isBusinessDay(DateTime.fromISO('2029-11-12'), US)).toBe(false);
    expect(addBusinessDays(new Date('2029-11-09T15:00:00Z'), 1, US).toISOString()).toBe(
      endOfDayInNewYork('2029-11-13'),
    );
  });

  it("Fri 2027-12-31, New Year's Day 2028 observed in the year before: one business day after Thursday is Monday", () => {
    expect(isBusinessDay(DateTime.fromISO('2027-12-31'), US)).toBe(false);
    expect(addBusinessDays(new Date('2027-12-30T15:00:00Z'), 1, US).toISOString()).toBe(
      endOfDayInNewYork('2028-01-03'),
    );
    expect(businessDaysBetween(new Date('2027-12-30T15:00:00Z'), new Date('2028-01-03T15:00:00Z'), US)).toBe(1);
  });

  it('a customer waiting across Veterans Day observed gets the full 10 business days to reply', () => {
    // From Mon 2028-10-30: the 10th business day is Tue 14 November, not Mon 13, because Fri 10 is skipped.
    const reply = deadlineFor(POLICIES.get('pixazo-api')!, 'customer_reply', '2028-10-30T15:00:00Z');
    expect(reply).toMatchObject({ businessDays: 10, dueAt: endOfDayInNewYork('2028-11-14') });
  });
});
