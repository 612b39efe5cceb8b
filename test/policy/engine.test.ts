import { readFileSync } from 'node:fs';
import path from 'node:path';
import { assessClaim, PolicyViolation, proportionHalfUp } from '../../domain/policy';
import { charge, claim, failed5xx, ledger, outage, policy } from './fixtures';

const POLICY_SRC = path.resolve(__dirname, '../../domain/policy');

describe('assessClaim guards', () => {
  it('refuses facts for another account or policy', () => {
    const pixazo = policy('pixazo-api');
    expect(() => assessClaim(pixazo, claim({ accountId: 'acct_9' }), ledger('pixazo-api'))).toThrow(PolicyViolation);
    expect(() => assessClaim(pixazo, claim(), ledger('apiany'))).toThrow(/under policy apiany/);
  });

  it('sends a refund in a currency other than the account’s to a person', () => {
    const result = assessClaim(
      policy('pixazo-api'),
      claim({ requestIds: ['a', 'b'] }),
      ledger('pixazo-api', { requests: [failed5xx('a'), failed5xx('b', { currency: 'EUR' })] }),
    );
    expect(result.kind).toBe('needs_review');
    if (result.kind !== 'needs_review') return;
    expect(result.proposal.amount).toEqual({ amountMinor: 120, currency: 'USD' });
    expect(result.why.map((r) => r.code)).toContain('staff_decision');
  });

  it('never reads the clock: the same inputs give the same assessment at any time', () => {
    const run = () =>
      assessClaim(
        policy('imaginator'),
        claim({ reason: 'service_outage', transactionId: 'txn_1' }),
        ledger('imaginator', {
          charges: [
            charge('txn_1', {
              periodStart: '2026-04-01T00:00:00Z',
              periodEnd: '2026-05-01T00:00:00Z',
              createdAt: '2026-05-01T00:00:00Z',
            }),
          ],
          outages: [outage('o', { startedAt: '2026-04-30T00:00:00Z', endedAt: null })],
        }),
      );
    jest.useFakeTimers();
    try {
      jest.setSystemTime(new Date('2020-01-01T00:00:00Z'));
      const then = run();
      jest.setSystemTime(new Date('2031-01-01T00:00:00Z'));
      expect(run()).toEqual(then);
    } finally {
      jest.useRealTimers();
    }
  });

  it('counts an open outage up to submission and clips it to the billing period', () => {
    const result = assessClaim(
      policy('imaginator'),
      claim({ reason: 'service_outage', transactionId: 'txn_1' }),
      ledger('imaginator', {
        charges: [
          charge('txn_1', {
            amountMinor: 3000,
            periodStart: '2026-04-01T00:00:00Z',
            periodEnd: '2026-05-01T00:00:00Z',
            createdAt: '2026-05-01T00:00:00Z',
          }),
        ],
        outages: [outage('o', { startedAt: '2026-04-30T12:00:00Z', endedAt: null })],
      }),
    );
    if (result.kind !== 'decided') throw new Error(`expected decided, got ${result.kind}`);
    // 12 h of a 720 h period: 3000 × 12 / 720 = 50.
    expect(result.decision.amount.amountMinor).toBe(50);
  });

  it('sends a charge without a billing period to a person', () => {
    const result = assessClaim(
      policy('imaginator'),
      claim({ reason: 'service_outage', transactionId: 'txn_1' }),
      ledger('imaginator', { charges: [charge('txn_1')] }),
    );
    expect(result.kind).toBe('needs_review');
  });
});

describe('proportionHalfUp', () => {
  it('rounds half up in exact integer arithmetic', () => {
    expect(proportionHalfUp(5, 1, 2)).toBe(3);
    expect(proportionHalfUp(9900, 21_600_000, 2_592_000_000)).toBe(83);
    expect(proportionHalfUp(10, 1, 3)).toBe(3);
    expect(proportionHalfUp(20, 1, 3)).toBe(7);
    expect(proportionHalfUp(Number.MAX_SAFE_INTEGER, 2_592_000_000, 2_592_000_000)).toBe(Number.MAX_SAFE_INTEGER);
  });
});

describe('engine entry point', () => {
  it('imports no Node built-ins: deciding does no I/O', () => {
    const seen = new Set<string>();
    const visit = (file: string): void => {
      if (seen.has(file)) return;
      seen.add(file);
      const source = readFileSync(path.join(POLICY_SRC, `${file}.ts`), 'utf8');
      expect(source).not.toMatch(/from '(node:)?(fs|crypto|path|os)'/);
      for (const [, local] of source.matchAll(/from '\.\/([A-Za-z]+)'/g)) visit(local!);
    };
    visit('engine');
    expect(seen.has('load')).toBe(false);
    expect(seen.has('version')).toBe(false);
  });
});

describe('a claim pinned to a pack from before a reason existed', () => {
  it('is handled like `other`: a person looks, citing that rule', () => {
    const pixazo = policy('pixazo-api');
    const { unused_credits: _dropped, ...reasons } = pixazo.pack.reasons;
    const older = { ...pixazo, pack: { ...pixazo.pack, reasons } };
    const result = assessClaim(
      older,
      claim({ reason: 'unused_credits', requestIds: [], explanation: 'refund my balance' }),
      ledger('pixazo-api'),
    );
    expect(result.kind).toBe('needs_review');
    if (result.kind !== 'needs_review') return;
    expect(result.proposal.reasons.map((r) => r.code)).toEqual([pixazo.pack.reasons.other.code]);
  });
});
