import { CALIFORNIA_STATE_HOLIDAYS, US_FEDERAL_HOLIDAYS } from '../calendar/standard-lists';
import type { LoadedPolicy } from './loaded';
import { parsePolicyPack, PolicyPackError } from './parse';
import type { PolicyPack } from './schema';
import { policyVersion } from './version';

/*
 * A claim stays pinned to the pack version it was submitted under, stored as JSON in policy_versions.
 * When the pack format changes, a stored pack is brought to the current format here, field by field,
 * before it is validated; its version stays the hash of the JSON as it was stored.
 */

type Json = Record<string, unknown>;

/** One change of the pack format: recognises the old shape and returns the new one (pure). */
type PackUpgrade = (pack: Json) => Json;

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** What each date-holidays region of the old `calendar.holidayRegion` field stands for now. */
const HOLIDAY_REGION_LISTS = { US: US_FEDERAL_HOLIDAYS, 'US-CA': CALIFORNIA_STATE_HOLIDAYS } as const;

const UPGRADES: readonly PackUpgrade[] = [
  // calendar.holidayRegion (a date-holidays region, public days only) became calendar.holidays, an explicit list.
  (pack) => {
    const calendar = pack.calendar;
    if (!isObject(calendar) || !('holidayRegion' in calendar)) return pack;
    const { holidayRegion, ...rest } = calendar;
    const list = HOLIDAY_REGION_LISTS[holidayRegion as keyof typeof HOLIDAY_REGION_LISTS];
    if (!list)
      throw new PolicyPackError(`stored pack ${String(pack.id)}: no holiday list for region ${String(holidayRegion)}`);
    return { ...pack, calendar: { ...rest, holidays: list } };
  },
  // claimWindow.countsFrom was never read (each check passes its own event: a call or a charge); removed.
  (pack) => {
    const window = pack.claimWindow;
    if (!isObject(window) || !('countsFrom' in window)) return pack;
    const { countsFrom: _unread, ...rest } = window;
    return { ...pack, claimWindow: rest };
  },
  // chargebacks.{suspendAccount, deductDisputedCredits} (never read) became sections with behaviour, each cited.
  (pack) => {
    const old = pack.chargebacks;
    if (!isObject(old) || !('suspendAccount' in old)) return pack;
    const cite = { clause: old.clause, quote: old.quote, ...(old.assumption ? { assumption: old.assumption } : {}) };
    const defaults = {
      ...cite,
      assumption: 'Stored before the pack set chargeback timings; the timings every current pack uses apply.',
    };
    return {
      ...pack,
      chargebacks: {
        suspension: { onDispute: old.suspendAccount ? 'immediate' : 'staff_decides', ...cite },
        disputedCredits: { hold: old.deductDisputedCredits === true, ...cite },
        evidenceDeadline: { warnHoursBefore: 72, escalateHoursBefore: 24, ...defaults },
        lostDispute: { decideWithinHours: 72, ...defaults },
      },
    };
  },
];

/** The stored JSON in the current pack format. */
export function upgradeStoredPack(stored: unknown): unknown {
  if (!isObject(stored)) return stored;
  return UPGRADES.reduce((pack, upgrade) => upgrade(pack), stored);
}

/**
 * A pack read back from policy_versions: checked against its version (the hash of the stored JSON, so an
 * altered copy is refused), upgraded to the current format, validated, and returned under its original version.
 */
export function parseStoredPack(stored: unknown, version: string, source = 'stored policy pack'): LoadedPolicy {
  // The same content hash as at publication, over the JSON exactly as it was stored (older format included).
  const actual = policyVersion(stored as PolicyPack);
  if (actual !== version)
    throw new PolicyPackError(`${source} hashes to ${actual}, not ${version}: the stored pack was altered`);
  const current = parsePolicyPack(upgradeStoredPack(stored), source);
  return { ...current, version };
}
