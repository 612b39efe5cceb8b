import Holidays from 'date-holidays';

/** Public holidays by region, from date-holidays; "US-CA" means country US, state CA. */

function splitRegion(region: string): [string, string | undefined] {
  const [country = '', state] = region.split('-');
  return [country, state];
}

export function isKnownHolidayRegion(region: string): boolean {
  const [country, state] = splitRegion(region);
  // init() accepts anything, so look the names up in the published lists instead.
  const lists = new Holidays();
  if (!lists.getCountries()[country]) return false;
  return state === undefined || Boolean(lists.getStates(country)?.[state]);
}

// Memoised because every business-day step asks; holiday tables are immutable data, so this stays pure.
const cache = new Map<string, ReadonlySet<string>>();

/** ISO dates (yyyy-mm-dd) of public holidays, the only type that closes offices. */
export function publicHolidays(region: string, year: number): ReadonlySet<string> {
  const key = `${region}:${year}`;
  const known = cache.get(key);
  if (known) return known;
  const [country, state] = splitRegion(region);
  const calendar = state === undefined ? new Holidays(country) : new Holidays(country, state);
  const dates = new Set(
    calendar
      .getHolidays(year)
      .filter((h) => h.type === 'public')
      .map((h) => h.date.slice(0, 10)),
  );
  cache.set(key, dates);
  return dates;
}
