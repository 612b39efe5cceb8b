import { runPolicyCases } from './cases';
import { charge, failed5xx, request } from './fixtures';

const LEGAL_BASIS = 'Cal. Civ. Code §1750 et seq.: service paid for and not delivered; counsel approved (LEG-31).';

runPolicyCases('sora2-api', [
  {
    name: 'a failed generation goes to a person; the proposal follows "non-refundable"',
    quote: 'Refunds are assessed case-by-case where required by law; otherwise, all fees are non-refundable.',
    claim: { requestIds: ['req_1'] },
    ledger: { requests: [failed5xx('req_1')] },
    expect: {
      kind: 'needs_review',
      outcome: 'denied',
      amountMinor: 0,
      codes: ['case_by_case', 'failed_request_case_by_case'],
      verdicts: { req_1: 'platform_error' },
    },
  },
  {
    name: 'a person refunds where the law requires it and records the legal basis',
    quote: 'Refunds are assessed case-by-case where required by law',
    claim: { requestIds: ['req_1'] },
    ledger: { requests: [failed5xx('req_1')] },
    expect: { kind: 'needs_review' },
    staff: {
      input: { outcome: 'approved', amountMinor: 120, remedy: 'refund', note: LEGAL_BASIS },
      expect: { outcome: 'approved', amountMinor: 120, remedy: 'refund', codes: ['refund_required_by_law'] },
    },
  },
  {
    name: 'a refund without a legal basis is refused',
    quote: 'otherwise, all fees are non-refundable',
    claim: { requestIds: ['req_1'] },
    ledger: { requests: [failed5xx('req_1')] },
    expect: { kind: 'needs_review' },
    staff: {
      input: { outcome: 'approved', amountMinor: 120, remedy: 'refund' },
      expect: { violation: 'note_required' },
    },
  },
  {
    name: 'credits are not a remedy the terms offer',
    quote: 'Credits are non-refundable and expire 12 months after purchase.',
    claim: { requestIds: ['req_1'] },
    ledger: { requests: [failed5xx('req_1')] },
    expect: { kind: 'needs_review' },
    staff: {
      input: { outcome: 'approved', amountMinor: 120, remedy: 'credit', note: LEGAL_BASIS },
      expect: { violation: 'remedy_not_allowed' },
    },
  },
  {
    name: 'a successful call is proposed as denied, still for a person',
    quote: 'otherwise, all fees are non-refundable',
    claim: { requestIds: ['req_1'] },
    ledger: { requests: [request('req_1')] },
    expect: { kind: 'needs_review', outcome: 'denied', codes: ['successful_call_non_refundable'] },
  },
  {
    name: 'dissatisfaction with AI output goes to a person',
    quote: 'OR THAT AI OUTPUT WILL BE ACCURATE, RELIABLE, OR SUITABLE FOR ANY PURPOSE',
    claim: { reason: 'dissatisfaction' },
    expect: { kind: 'needs_review', outcome: 'denied', codes: ['no_output_warranty'] },
  },
  {
    name: 'cancelling stops renewals; the person denies a refund of the running period',
    quote: 'You may cancel at any time to stop future charges; benefits continue until the end of the current period.',
    claim: { reason: 'cancellation' },
    expect: { kind: 'needs_review', outcome: 'denied', codes: ['cancellation_runs_to_period_end'] },
    staff: {
      input: { outcome: 'denied', remedy: 'none', note: 'Benefits continue to 31 May.' },
      expect: { outcome: 'denied', amountMinor: 0, remedy: 'none' },
    },
  },
  {
    name: 'a denial cannot carry a remedy',
    quote: 'otherwise, all fees are non-refundable',
    claim: { reason: 'other', explanation: 'Please refund my credits.' },
    expect: { kind: 'needs_review', codes: ['other_case_by_case'] },
    staff: { input: { outcome: 'denied', remedy: 'refund' }, expect: { violation: 'remedy_for_denial' } },
  },
  {
    name: 'one payment recorded twice is proposed for refund, for a person to confirm',
    quote: 'Payments are processed by third-party providers (e.g., Stripe).',
    claim: { reason: 'duplicate_charge', transactionId: 'txn_1' },
    ledger: {
      charges: [
        charge('txn_1', { paymentReference: 'pi_1' }),
        charge('txn_2', { paymentReference: 'pi_1', createdAt: '2026-05-04T09:00:03Z' }),
      ],
    },
    expect: {
      kind: 'needs_review',
      outcome: 'approved',
      amountMinor: 1500,
      remedy: 'refund',
      codes: ['processor_double_charge'],
    },
  },
  {
    name: 'a billing error is proposed at the full charge for a person',
    quote: 'Refunds are assessed case-by-case where required by law',
    claim: { reason: 'billing_error', transactionId: 'txn_1' },
    ledger: { charges: [charge('txn_1')] },
    expect: { kind: 'needs_review', outcome: 'approved', amountMinor: 1500, codes: ['billing_error_case_by_case'] },
  },
  {
    name: 'an outage claim meets no uptime promise and goes to a person',
    quote: 'WE DO NOT WARRANT THAT THE SERVICE WILL BE UNINTERRUPTED, ERROR-FREE, OR FREE OF HARMFUL COMPONENTS',
    claim: { reason: 'service_outage' },
    expect: { kind: 'needs_review', outcome: 'denied', codes: ['no_uptime_promise'] },
  },
  {
    name: 'a charge older than the 12-month credit life is marked late for the person',
    quote: 'Credits are non-refundable and expire 12 months after purchase.',
    claim: { reason: 'unauthorized_charge', transactionId: 'txn_1' },
    ledger: { charges: [charge('txn_1', { createdAt: '2025-04-01T00:00:00Z' })] },
    expect: { kind: 'needs_review', outcome: 'denied', codes: ['older_than_credit_life', 'case_by_case'] },
  },
  {
    name: 'unused credits are non-refundable unless the law requires it: a person confirms the proposed denial',
    quote: 'Credits are non-refundable and expire 12 months after purchase',
    claim: { reason: 'unused_credits', requestIds: [] },
    ledger: { creditBalance: { amountMinor: 2500, currency: 'USD' } },
    expect: {
      kind: 'needs_review',
      outcome: 'denied',
      amountMinor: 0,
      codes: ['credits_non_refundable'],
      arithmetic: [
        'unused credit balance in the credits ledger: 2500 USD minor units; the claim concerns the whole balance',
      ],
    },
  },
]);
