import { DateTime } from 'luxon';

/** "New York time" from "America/New_York": what a customer calls the policy's zone. */
export function zoneName(timeZone: string): string {
  const city = timeZone.split('/').pop() ?? timeZone;
  return `${city.replace(/_/g, ' ')} time`;
}

/**
 * An instant as a person reads it, in the policy's zone: "Tuesday 8 December 2026, end of day, New York time",
 * or "Tuesday 8 December 2026, 3:05 PM, New York time".
 */
export function humanDate(iso: string, timeZone: string): string {
  const at = DateTime.fromISO(iso, { zone: timeZone }).setLocale('en-US');
  const endOfDay = at.hour === 23 && at.minute === 59;
  return `${at.toFormat('cccc d LLLL yyyy')}, ${endOfDay ? 'end of day' : at.toFormat('h:mm a')}, ${zoneName(timeZone)}`;
}

/** A calendar day only, for expiry dates: "Friday 19 February 2027". */
export function humanDay(iso: string, timeZone: string): string {
  return DateTime.fromISO(iso, { zone: timeZone }).setLocale('en-US').toFormat('cccc d LLLL yyyy');
}
