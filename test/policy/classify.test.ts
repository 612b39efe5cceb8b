import { classifyRequests } from '../../domain/policy';
import { claim, failed4xx, failed5xx, ledger, outage, policy, request, timedOut } from './fixtures';

const pixazo = policy('pixazo-api');
const verdicts = (
  requestIds: string[],
  parts: Parameters<typeof ledger>[1],
  reason: Parameters<typeof claim>[0] = {},
) => classifyRequests(pixazo, claim({ requestIds, ...reason }), ledger('pixazo-api', parts)).map((f) => f.verdict);
const late = '2026-04-01T12:00:00Z';

describe('classifyRequests', () => {
  it('gives one finding per claimed id, in claim order, duplicates collapsed', () => {
    const findings = classifyRequests(
      pixazo,
      claim({ requestIds: ['b', 'a', 'b'] }),
      ledger('pixazo-api', { requests: [failed5xx('a'), request('b')] }),
    );
    expect(findings.map((f) => [f.requestId, f.verdict])).toEqual([
      ['b', 'successful_call'],
      ['a', 'platform_error'],
    ]);
  });

  it('reports refundable and charged money per finding', () => {
    const [refunded, denied] = classifyRequests(
      pixazo,
      claim({ requestIds: ['a', 'b'] }),
      ledger('pixazo-api', { requests: [failed5xx('a', { amountMinor: 70 }), failed4xx('b', { amountMinor: 30 })] }),
    );
    expect(refunded).toMatchObject({ refundable: { amountMinor: 70, currency: 'USD' }, charged: { amountMinor: 70 } });
    expect(denied).toMatchObject({ refundable: { amountMinor: 0 }, charged: { amountMinor: 30 } });
  });

  it('checks in order: not found, other account, window, not charged, 4xx, 5xx, timeout, output', () => {
    expect(verdicts(['x'], {})).toEqual(['not_found']);
    // Another account's old, uncharged request is still just another account's.
    expect(
      verdicts(['a'], { requests: [failed4xx('a', { accountId: 'acct_2', startedAt: late, amountMinor: 0 })] }),
    ).toEqual(['other_account']);
    expect(verdicts(['a'], { requests: [failed4xx('a', { startedAt: late, amountMinor: 0 })] })).toEqual([
      'outside_window',
    ]);
    expect(verdicts(['a'], { requests: [failed4xx('a', { amountMinor: 0 })] })).toEqual(['not_charged']);
    expect(verdicts(['a'], { requests: [failed4xx('a', { outcome: 'timeout' })] })).toEqual(['client_error']);
    expect(verdicts(['a'], { requests: [failed5xx('a', { httpStatus: 504, outcome: 'timeout' })] })).toEqual([
      'platform_error',
    ]);
    expect(verdicts(['a'], { requests: [timedOut('a')] })).toEqual(['unverified_timeout']);
    expect(verdicts(['a'], { requests: [request('a', { outcome: 'error', outputDelivered: false })] })).toEqual([
      'charged_without_output',
    ]);
  });

  it('does not describe another account’s charge', () => {
    const [finding] = classifyRequests(
      pixazo,
      claim({ requestIds: ['a'] }),
      ledger('pixazo-api', { requests: [failed5xx('a', { accountId: 'acct_2' })] }),
    );
    expect(finding!.charged.amountMinor).toBe(0);
  });

  it('verifies timeouts only against unscheduled, non-force-majeure outages', () => {
    const requests = [timedOut('a')];
    expect(verdicts(['a'], { requests, outages: [outage('o')] })).toEqual(['platform_timeout_during_outage']);
    expect(verdicts(['a'], { requests, outages: [outage('o', { scheduled: true })] })).toEqual(['unverified_timeout']);
    expect(verdicts(['a'], { requests, outages: [outage('o', { forceMajeure: true })] })).toEqual([
      'unverified_timeout',
    ]);
    expect(verdicts(['a'], { requests, outages: [outage('o', { startedAt: '2026-05-05T12:01:00Z' })] })).toEqual([
      'unverified_timeout',
    ]);
  });

  it('counts an outage still open at submission as covering the timeout', () => {
    const requests = [timedOut('a', { completedAt: '2026-05-05T12:02:00Z' })];
    expect(
      verdicts(['a'], { requests, outages: [outage('o', { startedAt: '2026-05-05T12:01:00Z', endedAt: null })] }),
    ).toEqual(['platform_timeout_during_outage']);
  });

  it('applies the window only to the reasons the pack names', () => {
    // Pixazo's 14 days are for failed calls (§5.3); a claim under "other" is not bounded by them.
    expect(verdicts(['a'], { requests: [failed5xx('a', { startedAt: late })] }, { reason: 'other' })).toEqual([
      'platform_error',
    ]);
  });

  it('counts Imaginator’s window from the charge date', () => {
    const imaginator = policy('imaginator');
    const at = (startedAt: string) =>
      classifyRequests(
        imaginator,
        claim({ requestIds: ['a'] }),
        ledger('imaginator', { requests: [failed5xx('a', { startedAt })] }),
      )[0]!.verdict;
    expect(at('2026-04-10T16:00:00Z')).toBe('platform_error'); // 30th day after 10 April (New York) is 10 May
    expect(at('2026-04-09T16:00:00Z')).toBe('outside_window');
  });

  it('refuses malformed timestamps instead of guessing', () => {
    expect(() => verdicts(['a'], { requests: [failed5xx('a', { startedAt: 'yesterday' })] })).toThrow(/ISO-8601/);
  });
});
