import { addBusinessDays, deadlineFor } from '../../domain/policy';
import { policy } from './fixtures';

describe('business-day deadlines', () => {
  it('Pixazo: review warning at 8 and due at 10 business days, skipping Memorial Day', () => {
    const pixazo = policy('pixazo-api');
    // Received Friday 22 May 2026; Monday 25 May is Memorial Day.
    const received = '2026-05-22T14:00:00Z';
    expect(deadlineFor(pixazo, 'review_warning', received)).toEqual({
      kind: 'review_warning',
      dueAt: '2026-06-05T03:59:59.999Z', // end of Thursday 4 June in New York
      businessDays: 8,
      clause: '§5.3',
    });
    expect(deadlineFor(pixazo, 'review', received).dueAt).toBe('2026-06-09T03:59:59.999Z'); // Monday 8 June
    expect(deadlineFor(pixazo, 'payout', received)).toMatchObject({ businessDays: 10, clause: '§5.5' });
  });

  it('Imaginator: warn at 5, due at 7, payout within 10 business days', () => {
    const imaginator = policy('imaginator');
    const received = '2026-06-01T13:00:00Z'; // Monday
    expect(deadlineFor(imaginator, 'review_warning', received).dueAt).toBe('2026-06-09T03:59:59.999Z'); // Mon 8 June
    expect(deadlineFor(imaginator, 'review', received).dueAt).toBe('2026-06-11T03:59:59.999Z'); // Wed 10 June
    // From Thursday 11 June, Juneteenth (Friday 19 June) is skipped, so the 10th business day is Friday 26 June.
    expect(deadlineFor(imaginator, 'payout', '2026-06-11T13:00:00Z').dueAt).toBe('2026-06-27T03:59:59.999Z');
  });

  it('Sora2 counts in Los Angeles and skips César Chávez Day, which New York does not', () => {
    const sora2 = policy('sora2-api');
    const pixazo = policy('pixazo-api');
    const monday = '2026-03-30T18:00:00Z';
    expect(addBusinessDays(sora2.pack.calendar, monday, 1)).toBe('2026-04-02T06:59:59.999Z'); // Wed 1 April, PDT
    expect(addBusinessDays(pixazo.pack.calendar, monday, 1)).toBe('2026-04-01T03:59:59.999Z'); // Tue 31 March, EDT
  });

  it('counts from the local date: late evening in Los Angeles is already tomorrow in UTC', () => {
    const sora2 = policy('sora2-api');
    // 03:00 UTC Tuesday 14 April is Monday 13 April 20:00 in Los Angeles.
    expect(addBusinessDays(sora2.pack.calendar, '2026-04-14T03:00:00Z', 1)).toBe('2026-04-15T06:59:59.999Z');
  });
});
