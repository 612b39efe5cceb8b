import { runPolicyCases } from './cases';
import { charge, failed4xx, failed5xx, outage, request } from './fixtures';

const complete = {
  accountEmail: 'dev@example.com',
  transactionId: 'txn_1',
  explanation: 'Requests failed but were billed.',
};

// A 30-day April billing period charged on 1 May; 2 592 000 000 ms long.
const aprilUsage = charge('txn_1', {
  kind: 'usage',
  amountMinor: 9900,
  periodStart: '2026-04-01T00:00:00Z',
  periodEnd: '2026-05-01T00:00:00Z',
  createdAt: '2026-05-01T00:00:00Z',
});
/** The charge the complete claim names, so the evidence check finds it on the account. */
const named = charge('txn_1');
const hours = (start: string, end: string) => ({ startedAt: `2026-04-${start}:00Z`, endedAt: `2026-04-${end}:00Z` });

runPolicyCases('imaginator', [
  {
    name: 'a request missing every §4.2 item names exactly those items',
    quote: 'Email refunds@imaginator.com with your account email',
    claim: { accountEmail: '', explanation: '  ', requestIds: [] },
    expect: { kind: 'needs_info', missing: ['account_email', 'transaction_or_invoice', 'explanation', 'request_ids'] },
  },
  {
    name: 'a request missing only the explanation asks only for it',
    quote: 'Provide a detailed explanation of the issue',
    claim: { ...complete, explanation: null, requestIds: ['req_1'] },
    expect: { kind: 'needs_info', missing: ['explanation'] },
  },
  {
    name: 'an API failure charged without a generation is refunded to the payment method',
    quote: 'Technical Failures: API failures that resulted in charges without successful image generation',
    claim: { ...complete, requestIds: ['req_1'] },
    ledger: { charges: [named], requests: [failed5xx('req_1', { httpStatus: 503 })] },
    expect: {
      kind: 'decided',
      outcome: 'approved',
      amountMinor: 120,
      remedy: 'refund',
      codes: ['api_failure_charged'],
    },
  },
  {
    name: 'a failed request that was never charged has nothing to refund, and the decision says so',
    quote: 'Our billing system automatically excludes failed requests from your usage charges.',
    claim: { ...complete, requestIds: ['req_1'] },
    ledger: { charges: [named], requests: [failed5xx('req_1', { amountMinor: 0 })] },
    expect: {
      kind: 'decided',
      outcome: 'denied',
      amountMinor: 0,
      codes: ['failed_request_not_charged'],
      verdicts: { req_1: 'not_charged' },
    },
  },
  {
    name: 'a successfully generated image is not refunded',
    quote: 'Successfully generated images, regardless of quality or satisfaction with results',
    claim: { ...complete, requestIds: ['req_1'] },
    ledger: { charges: [named], requests: [request('req_1')] },
    expect: { kind: 'decided', outcome: 'denied', codes: ['successful_generation'] },
  },
  {
    name: 'a 4xx is user error in API usage',
    quote: 'User error in API implementation or usage',
    claim: { ...complete, requestIds: ['req_1'] },
    ledger: { charges: [named], requests: [failed4xx('req_1', { httpStatus: 422 })] },
    expect: { kind: 'decided', outcome: 'denied', codes: ['user_error'] },
  },
  {
    name: 'a request 35 days after the charge is not considered',
    quote: 'Refund requests must be submitted within 30 days of the charge date.',
    claim: { ...complete, requestIds: ['req_1'] },
    ledger: { charges: [named], requests: [failed5xx('req_1', { startedAt: '2026-04-05T12:00:00Z' })] },
    expect: {
      kind: 'decided',
      outcome: 'denied',
      codes: ['outside_claim_window'],
      verdicts: { req_1: 'outside_window' },
    },
  },
  {
    name: 'downtime is refunded in proportion to the billing period, overlaps merged, rounded half up',
    quote: 'we may refund charges proportional to the downtime duration',
    claim: { ...complete, reason: 'service_outage' },
    ledger: {
      charges: [aprilUsage],
      outages: [
        outage('out_1', hours('10T00:00', '10T06:00')),
        outage('out_2', hours('10T03:00', '10T05:00')),
        outage('maint', { ...hours('12T00:00', '12T02:00'), scheduled: true }),
      ],
    },
    expect: {
      kind: 'decided',
      outcome: 'partially_approved',
      amountMinor: 83,
      remedy: 'refund',
      codes: ['downtime_proportional_refund', 'scheduled_maintenance_excluded'],
      arithmetic: [
        'eligible downtime, overlaps merged: 21600000 ms (360 min)',
        '9900 × 21600000 / 2592000000 = 82.5000, rounded half up to 83',
        'total 83 USD minor units',
      ],
    },
  },
  {
    name: 'scheduled maintenance alone gives no refund',
    quote: '(excludes scheduled maintenance)',
    claim: { ...complete, reason: 'service_outage' },
    ledger: {
      charges: [aprilUsage],
      outages: [outage('maint', { ...hours('12T00:00', '12T08:00'), scheduled: true })],
    },
    expect: { kind: 'decided', outcome: 'denied', codes: ['no_extended_downtime', 'scheduled_maintenance_excluded'] },
  },
  {
    name: 'force-majeure downtime gives no refund',
    quote: 'No refunds will be issued for downtime caused by such events.',
    claim: { ...complete, reason: 'service_outage' },
    ledger: {
      charges: [aprilUsage],
      outages: [outage('quake', { ...hours('15T00:00', '16T00:00'), forceMajeure: true })],
    },
    expect: { kind: 'decided', outcome: 'denied', codes: ['force_majeure_excluded'] },
  },
  {
    name: 'ten minutes of downtime is not extended downtime',
    quote:
      'Service Outages: Extended downtime or service unavailability caused by our systems (excludes scheduled maintenance)',
    claim: { ...complete, reason: 'service_outage' },
    ledger: { charges: [aprilUsage], outages: [outage('blip', hours('20T10:00', '20T10:10'))] },
    expect: { kind: 'decided', outcome: 'denied', codes: ['no_extended_downtime'] },
  },
  {
    name: 'a duplicate charge shown by one payment reference twice is refunded',
    quote: 'Billing Errors: Duplicate charges or incorrect billing amounts',
    claim: { ...complete, reason: 'duplicate_charge', transactionId: 'txn_2' },
    ledger: {
      charges: [
        charge('txn_1', { kind: 'usage', paymentReference: 'ch_1' }),
        charge('txn_2', { kind: 'usage', paymentReference: 'ch_1', createdAt: '2026-05-04T09:00:02Z' }),
      ],
    },
    expect: {
      kind: 'decided',
      outcome: 'approved',
      amountMinor: 1500,
      remedy: 'refund',
      codes: ['duplicate_charge_confirmed'],
    },
  },
  {
    name: 'an unauthorised charge is refunded once support has verified it',
    quote: 'Unauthorized Charges: Fraudulent use of your payment method (subject to verification)',
    claim: { ...complete, reason: 'unauthorized_charge', transactionId: null, invoiceNumber: 'inv_txn_1' },
    ledger: { charges: [charge('txn_1', { amountMinor: 2500 })] },
    expect: {
      kind: 'needs_review',
      outcome: 'approved',
      amountMinor: 2500,
      codes: ['unauthorized_charge_verification'],
    },
    staff: {
      input: { outcome: 'approved', amountMinor: 2500, remedy: 'refund' },
      expect: { outcome: 'approved', amountMinor: 2500, remedy: 'refund' },
    },
  },
  {
    name: 'a billing error may be settled with service credits instead of a refund',
    quote: 'As an alternative to refunds, we may offer service credits for future API usage.',
    claim: { ...complete, reason: 'billing_error' },
    ledger: { charges: [charge('txn_1', { amountMinor: 2500 })] },
    expect: { kind: 'needs_review', codes: ['billing_error_review'] },
    staff: {
      input: { outcome: 'partially_approved', amountMinor: 700, remedy: 'service_credit' },
      expect: { outcome: 'partially_approved', amountMinor: 700, remedy: 'service_credit' },
    },
  },
  {
    name: 'dissatisfaction with content that meets the specifications is denied',
    quote: 'Dissatisfaction with generated content that meets our technical specifications',
    claim: { reason: 'dissatisfaction' },
    expect: { kind: 'decided', outcome: 'denied', codes: ['dissatisfaction_not_refundable'] },
  },
  {
    name: 'usage before cancellation is not refunded',
    quote: 'Outstanding charges for usage prior to cancellation are non-refundable.',
    claim: { reason: 'cancellation' },
    expect: { kind: 'decided', outcome: 'denied', codes: ['usage_before_cancellation_final'] },
  },
  {
    name: 'a failed-request claim is checked against its transaction id: one not on the account goes back to the customer',
    quote: 'Include your transaction ID or invoice number',
    claim: { ...complete, transactionId: 'txn_9', requestIds: ['req_1'] },
    ledger: { charges: [named], requests: [failed5xx('req_1')] },
    expect: {
      kind: 'needs_info',
      missing: ['transaction_or_invoice'],
      codes: ['transaction_or_invoice_required'],
      says: 'We found no charge txn_9 on your account.',
    },
  },
  {
    name: 'an invoice number not on the account is refused the same way',
    quote: 'Include your transaction ID or invoice number',
    claim: { ...complete, transactionId: null, invoiceNumber: 'INV-404', requestIds: ['req_1'] },
    ledger: { charges: [named], requests: [failed5xx('req_1')] },
    expect: {
      kind: 'needs_info',
      missing: ['transaction_or_invoice'],
      codes: ['transaction_or_invoice_required'],
      says: 'We found no charge INV-404 on your account.',
    },
  },
  {
    name: 'a remaining balance of service credits has no cash value and is not refunded',
    quote: 'Service credits have no cash value',
    claim: { reason: 'unused_credits', requestIds: [], transactionId: null, explanation: null },
    ledger: { creditBalance: { amountMinor: 2500, currency: 'USD' } },
    expect: {
      kind: 'decided',
      outcome: 'denied',
      amountMinor: 0,
      codes: ['service_credits_no_cash_value'],
      arithmetic: [
        'unused credit balance in the credits ledger: 2500 USD minor units; the claim concerns the whole balance',
      ],
    },
  },
]);
