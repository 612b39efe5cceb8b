import Holidays from 'date-holidays';

/** Whether date-holidays knows the region: a country ("US") or country-state ("US-CA"). */
export function isKnownHolidayRegion(region: string): boolean {
  const [country = '', state] = region.split('-');
  // init() accepts anything, so look the names up in the published lists instead.
  const lists = new Holidays();
  if (!lists.getCountries()[country]) return false;
  return state === undefined || Boolean(lists.getStates(country)?.[state]);
}
