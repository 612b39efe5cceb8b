import type { Decision } from '../../common/claim';
import { assessClaim, PolicyViolation, staffDecision, type StaffDecisionWithCurrency } from '../../domain/policy';
import { charge, claim, failed5xx, ledger, policy, STAFF } from './fixtures';

const pixazo = policy('pixazo-api');
const theClaim = claim({ requestIds: ['req_1', 'req_2'] });
const assessment = assessClaim(
  pixazo,
  theClaim,
  ledger('pixazo-api', { requests: [failed5xx('req_1'), failed5xx('req_2')] }),
);
const proposal = (assessment.kind === 'decided' ? assessment.decision : undefined) as Decision;

/** `null` means "no proposal at all". */
function violation(input: Partial<StaffDecisionWithCurrency>, withProposal: Decision | null = proposal): string {
  try {
    const base = { outcome: 'approved', amountMinor: 100, remedy: 'credit', actor: STAFF } as const;
    staffDecision(pixazo, theClaim, { ...base, ...input }, withProposal ?? undefined);
  } catch (error) {
    expect(error).toBeInstanceOf(PolicyViolation);
    return (error as PolicyViolation).code;
  }
  throw new Error('expected a PolicyViolation');
}

describe('staffDecision', () => {
  it('records the person, the clause that empowers them and the proposal it started from', () => {
    const decision = staffDecision(
      pixazo,
      theClaim,
      {
        outcome: 'approved',
        amountMinor: 240,
        remedy: 'refund',
        note: '  customer asked for card refund ',
        actor: STAFF,
      },
      proposal,
    );
    expect(decision).toMatchObject({
      outcome: 'approved',
      amount: { amountMinor: 240, currency: 'USD' },
      remedy: 'refund',
      decidedBy: STAFF,
      note: 'customer asked for card refund',
      policy: { id: 'pixazo-api', version: pixazo.version },
    });
    expect(decision.reasons[0]).toMatchObject({
      code: 'staff_decision',
      clause: '§5.3',
      requestIds: ['req_1', 'req_2'],
    });
    expect(decision.findings).toEqual(proposal.findings);
    expect(decision.arithmetic.at(-1)).toBe(
      'staff agent_7 set 240 USD minor units (engine proposed approved, 240 USD minor units)',
    );
  });

  it('approves the proposal’s amount when the person gives none', () => {
    const decision = staffDecision(pixazo, theClaim, { outcome: 'approved', remedy: 'credit', actor: STAFF }, proposal);
    expect(decision.amount).toEqual({ amountMinor: 240, currency: 'USD' });
  });

  it('refuses anyone but staff', () => {
    expect(violation({ actor: { type: 'system', id: 'policy-engine' } })).toBe('not_staff');
    expect(violation({ actor: { type: 'customer', id: 'acct_1' } })).toBe('not_staff');
  });

  it('refuses a proposal made under another policy version', () => {
    expect(violation({}, { ...proposal, policy: { id: 'pixazo-api', version: '0000000000000000' } })).toBe(
      'policy_mismatch',
    );
  });

  it('requires a positive whole amount unless denied', () => {
    expect(violation({ amountMinor: 0 })).toBe('amount_invalid');
    expect(violation({ amountMinor: -5 })).toBe('amount_invalid');
    expect(violation({ amountMinor: 1.5 })).toBe('amount_invalid');
    expect(violation({ outcome: 'partially_approved', amountMinor: undefined })).toBe('amount_invalid');
    expect(violation({ amountMinor: undefined }, null)).toBe('currency_unknown');
    expect(violation({ outcome: 'denied', remedy: 'none', amountMinor: 10 })).toBe('amount_for_denial');
  });

  it('requires an allowed remedy, and none for a denial', () => {
    expect(violation({ remedy: 'none' })).toBe('remedy_not_allowed');
    expect(violation({ remedy: 'service_credit' })).toBe('remedy_not_allowed');
    expect(violation({ outcome: 'denied', remedy: 'credit', amountMinor: undefined })).toBe('remedy_for_denial');
  });

  it('refuses an unknown outcome', () => {
    expect(violation({ outcome: 'maybe' as never })).toBe('unknown_outcome');
  });

  it('needs a currency when there is no proposal, and uses it', () => {
    expect(violation({}, null)).toBe('currency_unknown');
    expect(violation({ currency: 'EUR' })).toBe('currency_mismatch');
    const billing = claim({ reason: 'billing_error', transactionId: 'txn_1' });
    const decision = staffDecision(pixazo, billing, {
      outcome: 'approved',
      amountMinor: 900,
      remedy: 'refund',
      currency: 'usd',
      actor: STAFF,
    });
    expect(decision.amount).toEqual({ amountMinor: 900, currency: 'USD' });
    expect(decision.reasons[0]!.transactionId).toBe('txn_1');
  });

  it('does not cap amounts for charge claims, whose proposal lists no requests', () => {
    const billing = claim({ reason: 'billing_error', transactionId: 'txn_1' });
    const review = assessClaim(pixazo, billing, ledger('pixazo-api', { charges: [charge('txn_1')] }));
    if (review.kind !== 'needs_review') throw new Error('expected review');
    const decision = staffDecision(
      pixazo,
      billing,
      { outcome: 'approved', amountMinor: 1500, remedy: 'refund', actor: STAFF },
      review.proposal,
    );
    expect(decision.arithmetic).toContain('proposal covers the whole charge; the reviewer sets the erroneous part');
  });
});
