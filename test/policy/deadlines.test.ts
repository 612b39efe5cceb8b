import { deadlineFor } from '../../domain/policy';
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
    const monday = '2026-03-30T18:00:00Z';
    // New York: Tue 31 March is the 1st business day, the 8th is Thu 9 April (EDT).
    expect(deadlineFor(policy('pixazo-api'), 'review_warning', monday).dueAt).toBe('2026-04-10T03:59:59.999Z');
    // California: 31 March is a state holiday, so the 8th is Fri 10 April (PDT).
    expect(deadlineFor(policy('sora2-api'), 'review_warning', monday).dueAt).toBe('2026-04-11T06:59:59.999Z');
  });

  it('counts from the local date: late evening in Los Angeles is already tomorrow in UTC', () => {
    // 03:00 UTC Tuesday 14 April is Monday 13 April 20:00 in Los Angeles; 8 business days end Thu 23 April (from the UTC date it would be Fri 24).
    expect(deadlineFor(policy('sora2-api'), 'review_warning', '2026-04-14T03:00:00Z').dueAt).toBe(
      '2026-04-24T06:59:59.999Z',
    );
  });
});
