import { runPolicyCases } from './cases';
import { charge, failed4xx, failed5xx, outage, request, timedOut } from './fixtures';

runPolicyCases('pixazo-api', [
  {
    name: 'a call an earlier claim already credited is not refunded twice',
    quote: 'the Client shall be entitled to a full refund or credit for the affected API call(s)',
    claim: { requestIds: ['req_1', 'req_2'] },
    ledger: {
      requests: [failed5xx('req_1'), failed5xx('req_2')],
      alreadyRemedied: [{ requestId: 'req_1', claimId: 'clm_earlier' }],
    },
    expect: {
      kind: 'decided',
      outcome: 'partially_approved',
      amountMinor: 120,
      codes: ['already_remedied'],
      verdicts: { req_1: 'already_remedied', req_2: 'platform_error' },
    },
  },
  {
    name: 'a 5xx call is refunded in full, as credit by default',
    quote: 'Returns an HTTP 5xx server error response attributable to the Pixazo platform',
    claim: { requestIds: ['req_1'] },
    ledger: { requests: [failed5xx('req_1')] },
    expect: {
      kind: 'decided',
      outcome: 'approved',
      amountMinor: 120,
      remedy: 'credit',
      codes: ['platform_5xx'],
      arithmetic: [
        'req_1: HTTP 502 error, platform_error, 120 USD minor units refundable',
        'total 120 USD minor units (1 of 1 requests refundable)',
      ],
    },
  },
  {
    name: 'a timeout during a recorded unscheduled outage is refunded',
    quote:
      'Times out due to a Pixazo platform outage or infrastructure failure, as verified by Pixazo’s internal monitoring systems',
    claim: { reason: 'service_outage', requestIds: ['req_1'] },
    ledger: { requests: [timedOut('req_1')], outages: [outage('out_1')] },
    expect: {
      kind: 'decided',
      outcome: 'approved',
      amountMinor: 120,
      verdicts: { req_1: 'platform_timeout_during_outage' },
    },
  },
  {
    name: 'a timeout during scheduled maintenance is not verified by monitoring, so a person checks',
    quote: 'as verified by Pixazo’s internal monitoring systems',
    claim: { requestIds: ['req_1'] },
    ledger: { requests: [timedOut('req_1')], outages: [outage('maint', { scheduled: true })] },
    expect: {
      kind: 'needs_review',
      outcome: 'denied',
      amountMinor: 0,
      codes: ['timeout_unverified'],
      verdicts: { req_1: 'unverified_timeout' },
    },
  },
  {
    name: 'a call charged without any output is refunded',
    quote: 'Is charged to the Client’s account despite not being processed or returning any Output Content',
    claim: { requestIds: ['req_1'] },
    ledger: { requests: [request('req_1', { outputDelivered: false })] },
    expect: { kind: 'decided', outcome: 'approved', amountMinor: 120, verdicts: { req_1: 'charged_without_output' } },
  },
  {
    name: 'a 4xx client error is not a failed call',
    quote:
      'HTTP 4xx client errors (including but not limited to 400 Bad Request, 401 Unauthorized, 403 Forbidden, 404 Not Found, 429 Rate Limited)',
    claim: { requestIds: ['req_1'] },
    ledger: { requests: [failed4xx('req_1', { httpStatus: 429 })] },
    expect: { kind: 'decided', outcome: 'denied', amountMinor: 0, remedy: 'none', codes: ['client_error_4xx'] },
  },
  {
    name: 'a successful call is final',
    quote:
      'No refund, credit, or compensation shall be issued for any API call that has been successfully executed by the platform',
    claim: { requestIds: ['req_1'] },
    ledger: { requests: [request('req_1')] },
    expect: { kind: 'decided', outcome: 'denied', codes: ['successful_call_final'] },
  },
  {
    name: 'a claim mixing a 5xx, a 4xx and a success is partially approved for the 5xx only',
    quote: 'the Client shall be entitled to a full refund or credit for the affected API call(s)',
    claim: { requestIds: ['req_1', 'req_2', 'req_3'] },
    ledger: { requests: [failed5xx('req_1'), failed4xx('req_2', { amountMinor: 80 }), request('req_3')] },
    expect: {
      kind: 'decided',
      outcome: 'partially_approved',
      amountMinor: 120,
      codes: ['platform_5xx', 'client_error_4xx', 'successful_call_final'],
      arithmetic: [
        'req_2: HTTP 400 error, client_error, charged 80 USD minor units, 0 refundable',
        'total 120 USD minor units (1 of 3 requests refundable)',
      ],
    },
  },
  {
    name: 'a claim 15 days after the failed call is late',
    quote: 'within fourteen (14) days of the failed API call',
    claim: { requestIds: ['req_1'] },
    ledger: { requests: [failed5xx('req_1', { startedAt: '2026-04-25T12:00:00Z' })] },
    expect: {
      kind: 'decided',
      outcome: 'denied',
      codes: ['outside_claim_window'],
      verdicts: { req_1: 'outside_window' },
    },
  },
  {
    name: 'a claim on the 14th day after the call is in time',
    quote: 'within fourteen (14) days of the failed API call',
    claim: { requestIds: ['req_1'] },
    ledger: { requests: [failed5xx('req_1', { startedAt: '2026-04-26T12:00:00Z' })] },
    expect: { kind: 'decided', outcome: 'approved', amountMinor: 120 },
  },
  {
    name: 'the 14 days count from the local (New York) date of the call',
    quote: 'within fourteen (14) days of the failed API call',
    claim: { requestIds: ['req_1'] },
    // 02:00 UTC on 26 April is still 25 April in New York, so the window closed at the end of 9 May.
    ledger: { requests: [failed5xx('req_1', { startedAt: '2026-04-26T02:00:00Z' })] },
    expect: { kind: 'decided', outcome: 'denied', verdicts: { req_1: 'outside_window' } },
  },
  {
    name: 'a failed-call claim without request ids asks for them',
    quote: 'Include the relevant API request IDs, timestamps, and error responses as supporting evidence',
    claim: { requestIds: [] },
    expect: { kind: 'needs_info', missing: ['request_ids'] },
  },
  {
    name: 'dissatisfaction with output is denied',
    quote:
      'Dissatisfaction with the quality, accuracy, style, or content of AI-generated Output Content does not constitute grounds for a refund',
    claim: { reason: 'dissatisfaction', explanation: null },
    expect: { kind: 'decided', outcome: 'denied', codes: ['dissatisfaction_not_refundable'] },
  },
  {
    name: 'cancellation gives no refund for the remaining days',
    quote: 'No refunds are provided for the remaining days in the billing cycle.',
    claim: { reason: 'cancellation' },
    expect: { kind: 'decided', outcome: 'denied', codes: ['no_refund_on_cancellation'] },
  },
  {
    name: 'a payment recorded twice is refunded to the original payment method',
    quote:
      'If Pixazo confirms an erroneous charge, duplicate billing, or any other billing discrepancy not attributable to the Client',
    claim: { reason: 'duplicate_charge', transactionId: 'txn_2' },
    ledger: {
      charges: [
        charge('txn_1', { paymentReference: 'pay_9' }),
        charge('txn_2', { paymentReference: 'pay_9', createdAt: '2026-05-04T09:00:05Z' }),
      ],
    },
    expect: {
      kind: 'decided',
      outcome: 'approved',
      amountMinor: 1500,
      remedy: 'refund',
      codes: ['duplicate_billing_confirmed'],
      arithmetic: ['txn_1 is the original payment; 1 duplicate × 1500 = 1500', 'total 1500 USD minor units'],
    },
  },
  {
    name: 'two payments of the same amount with different references go to a person',
    quote: 'not attributable to the Client',
    claim: { reason: 'duplicate_charge', transactionId: 'txn_2' },
    ledger: { charges: [charge('txn_1'), charge('txn_2')] },
    expect: { kind: 'needs_review', outcome: 'denied', codes: ['separate_purchases'] },
  },
  {
    name: 'a billing error waits for Pixazo to confirm it; the person refunds the erroneous part',
    quote:
      'a full refund of the erroneous amount will be processed to the original payment method within ten (10) business days',
    claim: { reason: 'billing_error', invoiceNumber: 'inv_txn_1' },
    ledger: { charges: [charge('txn_1', { amountMinor: 4000 })] },
    expect: {
      kind: 'needs_review',
      outcome: 'approved',
      amountMinor: 4000,
      remedy: 'refund',
      codes: ['billing_error_review'],
    },
    staff: {
      input: { outcome: 'partially_approved', amountMinor: 500, remedy: 'refund' },
      expect: { outcome: 'partially_approved', amountMinor: 500, remedy: 'refund' },
    },
  },
  {
    name: 'amounts above the automatic limit are verified by a person',
    quote:
      'Pixazo will investigate the claim and, upon verification, process the refund or credit within ten (10) business days.',
    claim: { requestIds: ['req_1', 'req_2', 'req_3'] },
    ledger: { requests: ['req_1', 'req_2', 'req_3'].map((id) => failed5xx(id, { amountMinor: 5000 })) },
    expect: {
      kind: 'needs_review',
      outcome: 'approved',
      amountMinor: 15000,
      remedy: 'credit',
      codes: ['above_automatic_limit'],
    },
    staff: {
      input: { outcome: 'approved', amountMinor: 15000, remedy: 'refund' },
      expect: { outcome: 'approved', amountMinor: 15000, remedy: 'refund' },
    },
  },
  {
    name: 'a person cannot grant more than the claimed calls cost',
    quote: 'the Client shall be entitled to a full refund or credit for the affected API call(s)',
    claim: { requestIds: ['req_1', 'req_2'] },
    ledger: { requests: [failed5xx('req_1'), timedOut('req_2')] },
    expect: { kind: 'needs_review', outcome: 'partially_approved', amountMinor: 120 },
    staff: {
      input: { outcome: 'approved', amountMinor: 241, remedy: 'credit' },
      expect: { violation: 'amount_above_charged' },
    },
  },
  {
    name: 'a terminated account forfeits credits, so a person decides how to pay',
    quote: 'Upon termination, all API Credits remaining in the Client’s account are forfeited and non-refundable.',
    claim: { requestIds: ['req_1'] },
    ledger: { account: { status: 'terminated' }, requests: [failed5xx('req_1')] },
    expect: { kind: 'needs_review', outcome: 'approved', codes: ['account_terminated'] },
    staff: {
      input: { outcome: 'approved', amountMinor: 120, remedy: 'service_credit' },
      expect: { violation: 'remedy_not_allowed' },
    },
  },
  {
    name: 'a call that was never charged has nothing to refund',
    quote: 'the Client shall be entitled to a full refund or credit for the affected API call(s)',
    claim: { requestIds: ['req_1'] },
    ledger: { requests: [failed5xx('req_1', { amountMinor: 0 })] },
    expect: { kind: 'decided', outcome: 'denied', verdicts: { req_1: 'not_charged' }, codes: ['not_charged'] },
  },
  {
    name: 'a transaction id that is not on the account goes back to the customer, naming it',
    quote:
      'If Pixazo confirms an erroneous charge, duplicate billing, or any other billing discrepancy not attributable to the Client',
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
    name: 'a billing error on a charge partly refunded under another claim proposes only the remainder, citing it',
    quote:
      'If Pixazo confirms an erroneous charge, duplicate billing, or any other billing discrepancy not attributable to the Client',
    claim: { reason: 'billing_error', transactionId: 'txn_1' },
    ledger: {
      charges: [charge('txn_1', { amountMinor: 5000 })],
      chargeRemedies: [
        {
          transactionId: 'txn_1',
          claimId: 'clm_A',
          amountMinor: 1000,
          currency: 'USD',
          state: 'remedied',
          remedy: 'refund',
        },
      ],
    },
    expect: {
      kind: 'needs_review',
      outcome: 'approved',
      amountMinor: 4000,
      remedy: 'refund',
      codes: ['billing_error_review'],
      says: '$10.00 of this $50.00 charge txn_1 was already refunded under clm_A; the proposal covers the remaining 4000 USD minor units.',
    },
    staff: {
      input: { outcome: 'approved', amountMinor: 5000, remedy: 'refund' },
      expect: { violation: 'amount_above_remainder' },
    },
  },
  {
    name: 'a staff decision within the remainder of a partly refunded charge is accepted',
    quote: 'a full refund of the erroneous amount will be processed to the original payment method',
    claim: { reason: 'billing_error', transactionId: 'txn_1' },
    ledger: {
      charges: [charge('txn_1', { amountMinor: 5000 })],
      chargeRemedies: [
        {
          transactionId: 'txn_1',
          claimId: 'clm_A',
          amountMinor: 1000,
          currency: 'USD',
          state: 'remedied',
          remedy: 'refund',
        },
      ],
    },
    expect: { kind: 'needs_review', amountMinor: 4000 },
    staff: {
      input: { outcome: 'approved', amountMinor: 4000, remedy: 'refund' },
      expect: { outcome: 'approved', amountMinor: 4000, remedy: 'refund' },
    },
  },
  {
    name: 'a charge already refunded in full leaves nothing to propose',
    quote: 'a full refund of the erroneous amount will be processed to the original payment method',
    claim: { reason: 'billing_error', transactionId: 'txn_1' },
    ledger: {
      charges: [charge('txn_1', { amountMinor: 5000 })],
      chargeRemedies: [
        {
          transactionId: 'txn_1',
          claimId: 'clm_A',
          amountMinor: 5000,
          currency: 'USD',
          state: 'remedied',
          remedy: 'refund',
        },
      ],
    },
    expect: { kind: 'decided', outcome: 'denied', amountMinor: 0, says: 'nothing of it remains' },
  },
  {
    name: 'unused API credits cannot be exchanged for currency: a balance refund is denied, showing the balance',
    quote: 'Credits are non-transferable, cannot be exchanged for currency',
    claim: { reason: 'unused_credits', requestIds: [] },
    ledger: { creditBalance: { amountMinor: 2500, currency: 'USD' } },
    expect: {
      kind: 'decided',
      outcome: 'denied',
      amountMinor: 0,
      codes: ['credits_not_exchangeable'],
      arithmetic: [
        'unused credit balance in the credits ledger: 2500 USD minor units; the claim concerns the whole balance',
      ],
    },
  },
]);
