import { runPolicyCases } from './cases';
import { charge, failed4xx, failed5xx, request, timedOut } from './fixtures';

const LEGAL_BASIS =
  'Consumer law of the customer’s country requires a refund for a service not supplied (ticket LEG-12).';

runPolicyCases('apiany', [
  {
    name: 'a failed request already returned as credit by an earlier claim is denied',
    quote: 'the remedy is a credit adjustment to your APIAny account, not a monetary refund',
    claim: { requestIds: ['req_1'] },
    ledger: { requests: [failed5xx('req_1')], alreadyRemedied: [{ requestId: 'req_1', claimId: 'clm_earlier' }] },
    expect: {
      kind: 'decided',
      outcome: 'denied',
      amountMinor: 0,
      codes: ['already_remedied'],
      verdicts: { req_1: 'already_remedied' },
    },
  },
  {
    name: 'a failed platform request comes back as credit, not money',
    quote: 'the remedy is a credit adjustment to your APIAny account, not a monetary refund',
    claim: { requestIds: ['req_1'] },
    ledger: { requests: [failed5xx('req_1')] },
    expect: {
      kind: 'decided',
      outcome: 'approved',
      amountMinor: 120,
      remedy: 'credit',
      codes: ['platform_failure_credit'],
    },
  },
  {
    name: 'a request charged without a result is returned as credit',
    quote:
      'If a platform request fails in a way that is eligible for automatic credit return under our usage accounting rules',
    claim: { requestIds: ['req_1', 'req_2'] },
    ledger: { requests: [request('req_1', { outputDelivered: false }), failed4xx('req_2')] },
    expect: {
      kind: 'decided',
      outcome: 'partially_approved',
      amountMinor: 120,
      remedy: 'credit',
      verdicts: { req_1: 'charged_without_output', req_2: 'client_error' },
    },
  },
  {
    name: 'a processed request is not refunded because the result disappointed',
    quote: 'dissatisfaction with a model result after the service has processed a request',
    claim: { requestIds: ['req_1'] },
    ledger: { requests: [request('req_1')] },
    expect: { kind: 'decided', outcome: 'denied', codes: ['processed_request_final'] },
  },
  {
    name: 'dissatisfaction as the claim reason is denied',
    quote: 'dissatisfaction with a model result after the service has processed a request',
    claim: { reason: 'dissatisfaction' },
    expect: { kind: 'decided', outcome: 'denied', remedy: 'none', codes: ['dissatisfaction_not_refundable'] },
  },
  {
    name: 'unused credits are not refunded on cancellation',
    quote: 'All credit purchases and recharges are final.',
    claim: { reason: 'cancellation', explanation: 'I no longer need the credits.' },
    expect: { kind: 'decided', outcome: 'denied', codes: ['recharge_final'] },
  },
  {
    name: 'two recharges with different payment references are the holder’s duplicate purchase',
    quote: 'accidental or duplicate purchases made by the account holder',
    claim: { reason: 'duplicate_charge', transactionId: 'txn_2' },
    ledger: { charges: [charge('txn_1', { amountMinor: 2000 }), charge('txn_2', { amountMinor: 2000 })] },
    expect: { kind: 'decided', outcome: 'denied', codes: ['duplicate_purchase_final'] },
  },
  {
    name: 'one payment recorded twice is a processor error a person corrects as credit',
    quote:
      'We may review technical incidents, duplicate charges, payment processor errors, or account-specific issues at our discretion.',
    claim: { reason: 'duplicate_charge', transactionId: 'txn_1' },
    ledger: {
      charges: [
        charge('txn_1', { amountMinor: 2000, paymentReference: 'pay_9' }),
        charge('txn_2', { amountMinor: 2000, paymentReference: 'pay_9', createdAt: '2026-05-04T09:01:00Z' }),
      ],
    },
    expect: {
      kind: 'needs_review',
      outcome: 'approved',
      amountMinor: 2000,
      remedy: 'credit',
      codes: ['processor_double_charge'],
    },
    staff: {
      input: { outcome: 'approved', amountMinor: 2000, remedy: 'credit' },
      expect: { outcome: 'approved', amountMinor: 2000, remedy: 'credit' },
    },
  },
  {
    name: 'a billing error is corrected as credit; cash without a recorded legal basis is refused',
    quote: 'Any correction will normally be made as a credit adjustment unless applicable law requires another remedy.',
    claim: { reason: 'billing_error', transactionId: 'txn_1' },
    ledger: { charges: [charge('txn_1')] },
    expect: {
      kind: 'needs_review',
      outcome: 'approved',
      amountMinor: 1500,
      remedy: 'credit',
      codes: ['billing_issue_review'],
    },
    staff: {
      input: { outcome: 'approved', amountMinor: 1500, remedy: 'refund', note: '   ' },
      expect: { violation: 'note_required' },
    },
  },
  {
    name: 'support may refund money where the law requires it, recording why',
    quote:
      'we do not provide refunds, cancellations, reversals, cash-outs, or exchanges, except where required by applicable law',
    claim: { reason: 'billing_error', transactionId: 'txn_1' },
    ledger: { charges: [charge('txn_1')] },
    expect: { kind: 'needs_review', outcome: 'approved' },
    staff: {
      input: { outcome: 'approved', amountMinor: 1500, remedy: 'refund', note: LEGAL_BASIS },
      expect: { outcome: 'approved', amountMinor: 1500, remedy: 'refund', codes: ['refund_required_by_law'] },
    },
  },
  {
    name: 'an unauthorised charge is an account-specific issue a person reviews',
    quote:
      'We may review technical incidents, duplicate charges, payment processor errors, or account-specific issues at our discretion.',
    claim: { reason: 'unauthorized_charge', invoiceNumber: 'inv_txn_1' },
    ledger: { charges: [charge('txn_1')] },
    expect: { kind: 'needs_review', codes: ['account_issue_review'] },
  },
  {
    name: 'a timeout with no incident on record is reviewed',
    quote: 'We may review technical incidents',
    claim: { requestIds: ['req_1'] },
    ledger: { requests: [timedOut('req_1')] },
    expect: { kind: 'needs_review', outcome: 'denied', verdicts: { req_1: 'unverified_timeout' } },
  },
  {
    name: 'a suspended account (payment dispute) gets no credit without a person',
    quote: 'we may suspend access to the related account while the dispute is investigated',
    claim: { requestIds: ['req_1'] },
    ledger: { account: { status: 'suspended' }, requests: [failed5xx('req_1')] },
    expect: { kind: 'needs_review', outcome: 'approved', codes: ['account_suspended'] },
  },
  {
    name: 'another account’s request cannot be credited here',
    quote: 'Credits are not transferable between accounts.',
    claim: { requestIds: ['req_1'] },
    ledger: { requests: [failed5xx('req_1', { accountId: 'acct_2' })] },
    expect: { kind: 'decided', outcome: 'denied', verdicts: { req_1: 'other_account' } },
  },
  {
    name: 'a failed-request claim without request ids asks for them',
    quote: 'If a platform request fails',
    claim: {},
    expect: { kind: 'needs_info', missing: ['request_ids'] },
  },
  {
    name: 'a billing-error claim naming a charge that is not on the account goes back to the customer',
    quote: 'If you believe there was a billing error or a technical issue with your credit balance',
    claim: { reason: 'billing_error', transactionId: 'txn_9' },
    ledger: { charges: [charge('txn_1')] },
    expect: {
      kind: 'needs_info',
      missing: ['transaction_or_invoice'],
      codes: ['charge_reference_required'],
      says: 'We found no charge txn_9 on your account.',
    },
  },
  {
    name: 'unused credits are not refunded: recharges are final, and the decision shows the balance in question',
    quote: 'All credit purchases and recharges are final.',
    claim: { reason: 'unused_credits', requestIds: [] },
    ledger: { creditBalance: { amountMinor: 2500, currency: 'USD' } },
    expect: {
      kind: 'decided',
      outcome: 'denied',
      amountMinor: 0,
      codes: ['unused_credits_final'],
      arithmetic: [
        'unused credit balance in the credits ledger: 2500 USD minor units; the claim concerns the whole balance',
      ],
    },
  },
  {
    name: 'a partly used purchase named by its transaction id is not refunded either',
    quote: 'partially used credit balances',
    claim: { reason: 'unused_credits', requestIds: [], transactionId: 'txn_1' },
    ledger: { creditBalance: { amountMinor: 2500, currency: 'USD' }, charges: [charge('txn_1')] },
    expect: {
      kind: 'decided',
      outcome: 'denied',
      codes: ['unused_credits_final'],
      arithmetic: [
        'unused credit balance in the credits ledger: 2500 USD minor units; the claim concerns credits bought with txn_1',
      ],
    },
  },
]);
