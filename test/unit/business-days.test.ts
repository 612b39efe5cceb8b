import { addBusinessDays, businessDaysBetween } from '../../domain/calendar/business-days';
import { loadPolicyPacks } from '../../domain/policy';

const POLICIES = loadPolicyPacks();
const newYork = POLICIES.get('pixazo-api')!.pack.calendar; // US federal holidays
const california = POLICIES.get('sora2-api')!.pack.calendar; // California state-office holidays

describe('business-day deadlines', () => {
  it('skips the weekend and Thanksgiving (2026-11-26) in New York', () => {
    // Friday 2026-11-20, 15:00 in New York.
    const claimed = new Date('2026-11-20T20:00:00Z');
    // Mon 23, Tue 24, Wed 25, (Thu 26 Thanksgiving), Fri 27 -> 4th business day is Friday 27.
    const due = addBusinessDays(claimed, 4, newYork);
    expect(due.toISOString()).toBe('2026-11-28T04:59:59.999Z'); // end of Fri 27 in EST
  });

  it('counts from the local day, not the UTC day', () => {
    // 2026-11-21T02:00Z is still Friday 20 in New York.
    const due = addBusinessDays(new Date('2026-11-21T02:00:00Z'), 1, newYork);
    expect(due.toISOString()).toBe('2026-11-24T04:59:59.999Z'); // end of Monday 23
  });

  it("uses the pack's list: California state offices also close the day after Thanksgiving", () => {
    // Friday 2026-11-20 in LA; the California list adds the day after Thanksgiving (Fri 27).
    const due = addBusinessDays(new Date('2026-11-20T20:00:00Z'), 4, california);
    expect(due.toISOString()).toBe('2026-12-01T07:59:59.999Z'); // end of Mon 30 Nov in PST
  });

  it('measures paused business days between two moments', () => {
    expect(businessDaysBetween(new Date('2026-11-20T20:00:00Z'), new Date('2026-11-27T15:00:00Z'), newYork)).toBe(4);
    expect(businessDaysBetween(new Date('2026-11-20T20:00:00Z'), new Date('2026-11-20T22:00:00Z'), newYork)).toBe(0);
  });

  it('refuses a negative or fractional count', () => {
    expect(() => addBusinessDays(new Date(), -1, newYork)).toThrow(RangeError);
    expect(() => addBusinessDays(new Date(), 1.5, newYork)).toThrow(RangeError);
  });
});
