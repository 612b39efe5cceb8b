import { DateTime } from 'luxon';

/** Parses an ISO-8601 timestamp; a malformed one is a data error, never silently "outside". */
export function instant(iso: string, zone = 'UTC'): DateTime {
  const parsed = DateTime.fromISO(iso, { zone, setZone: false });
  if (!parsed.isValid) throw new RangeError(`not an ISO-8601 timestamp: ${JSON.stringify(iso)}`);
  return parsed;
}

export function epochMs(iso: string): number {
  return instant(iso).toMillis();
}
