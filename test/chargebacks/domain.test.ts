import {
  applyEvidenceEdits,
  evidenceDeadlines,
  isLater,
  outcomeOf,
  positionOf,
  stanceOf,
  toStripeEvidence,
  type EvidencePack,
} from '../../domain/chargebacks';
import { loadPolicyPacks, parsePolicyPack } from '../../domain/policy';
import { upgradeStoredPack } from '../../domain/policy/upgrade';

const PACKS = loadPolicyPacks();
const pack = (id: string) => PACKS.get(id)!.pack;

describe('the pack stance on a dispute', () => {
  it.each([
    ['imaginator', true, false, '§7'],
    ['apiany', true, true, 'Chargebacks and Payment Disputes'],
    ['pixazo-api', false, false, '§9.2'],
    ['sora2-api', false, false, '§9'],
  ])('%s: suspend at once %s, hold credits %s, citing %s', (id, suspend, hold, clause) => {
    const stance = stanceOf(pack(id));
    expect(stance).toMatchObject({ suspendImmediately: suspend, holdCredits: hold, suspension: { clause } });
    if (!suspend) expect(stance.suspension.assumption).toMatch(/person decides/);
  });

  it('upgrades a stored pack of the old format (suspendAccount, deductDisputedCredits) to the same stance', () => {
    const stored = JSON.parse(JSON.stringify(pack('apiany')));
    stored.chargebacks = {
      suspendAccount: true,
      deductDisputedCredits: true,
      clause: 'Chargebacks and Payment Disputes',
      quote: 'We reserve the right to deduct disputed credits',
    };
    const upgraded = parsePolicyPack(upgradeStoredPack(stored)).pack;
    expect(stanceOf(upgraded)).toMatchObject({
      suspendImmediately: true,
      holdCredits: true,
      suspension: { clause: 'Chargebacks and Payment Disputes' },
    });
    expect(upgraded.chargebacks.evidenceDeadline).toMatchObject({ warnHoursBefore: 72, escalateHoursBefore: 24 });
  });

  it('refuses a pack that warns after it escalates', () => {
    const raw = JSON.parse(JSON.stringify(pack('apiany')));
    raw.chargebacks.evidenceDeadline.warnHoursBefore = 12;
    expect(() => parsePolicyPack(raw)).toThrow(/warning must come before the escalation/);
  });
});

describe('event ordering', () => {
  const at = (s: string, kind: 'created' | 'updated' | 'closed' = 'updated', eventId = 'evt_a') =>
    positionOf({ occurredAt: s, kind, eventId });

  it('orders by the processor timestamp, then the stage of the dispute, then the event id', () => {
    expect(isLater(at('2026-11-20T10:00:01Z'), at('2026-11-20T10:00:00Z'))).toBe(true);
    expect(isLater(at('2026-11-20T10:00:00Z'), at('2026-11-20T10:00:01Z'))).toBe(false);
    expect(isLater(at('2026-11-20T10:00:00Z', 'closed'), at('2026-11-20T10:00:00Z', 'updated'))).toBe(true);
    expect(isLater(at('2026-11-20T10:00:00Z', 'created'), at('2026-11-20T10:00:00Z', 'updated'))).toBe(false);
    expect(
      isLater(at('2026-11-20T10:00:00Z', 'updated', 'evt_b'), at('2026-11-20T10:00:00Z', 'updated', 'evt_a')),
    ).toBe(true);
    expect(isLater(at('2026-11-20T10:00:00Z'), null)).toBe(true);
  });

  it('reads a final processor status as an outcome', () => {
    expect(['won', 'warning_closed', 'prevented', 'lost', 'needs_response', 'under_review'].map(outcomeOf)).toEqual([
      'won',
      'won',
      'won',
      'lost',
      null,
      null,
    ]);
  });
});

describe('evidence deadlines', () => {
  it('warns and escalates at the pack lead times before due_by, a calendar instant', () => {
    expect(evidenceDeadlines('2026-11-27T23:59:59Z', pack('imaginator'))).toEqual([
      { kind: 'evidence_warning', dueAt: '2026-11-24T23:59:59.000Z', clause: '§7' },
      { kind: 'evidence_escalation', dueAt: '2026-11-26T23:59:59.000Z', clause: '§7' },
      { kind: 'evidence_due', dueAt: '2026-11-27T23:59:59.000Z', clause: '§7' },
    ]);
  });
});

const EVIDENCE: EvidencePack = {
  chargebackId: 'cb_stripe_dp_1',
  builtAt: '2026-11-22T10:00:00Z',
  charge: {
    transactionId: 'txn_1',
    amount: { amountMinor: 5000, currency: 'USD' },
    kind: 'credit_purchase',
    createdAt: '2026-11-20T09:00:00.000Z',
    invoiceNumber: 'INV-1',
    paymentReference: 'pi_1',
  },
  account: {
    id: 'acct_1',
    email: 'dev@customer.example',
    createdAt: '2026-01-01T00:00:00Z',
    status: 'suspended',
    policy: { id: 'apiany', version: 'abc', title: 'APIAny Refund Policy' },
  },
  usage: {
    since: '2026-11-20T09:00:00.000Z',
    requests: 4,
    succeeded: 3,
    successRate: 0.75,
    outputsDelivered: 3,
    charged: { amountMinor: 160, currency: 'USD' },
    creditsConsumed: { amountMinor: 1200, currency: 'USD' },
    firstRequestAt: '2026-11-20T10:00:00Z',
    lastRequestAt: '2026-11-21T10:00:00Z',
    sample: [
      {
        requestId: 'req_1',
        startedAt: '2026-11-21T10:00:00Z',
        endpoint: '/v1/images/generate',
        httpStatus: 200,
        outputDelivered: true,
      },
    ],
  },
  claims: [
    {
      claimId: 'clm_1',
      reason: 'failed_request',
      status: 'closed',
      submittedAt: '2026-11-21T11:00:00Z',
      outcome: 'approved',
      amount: { amountMinor: 40, currency: 'USD' },
      remedy: 'credit',
      clauses: ['Failed or Interrupted Requests'],
    },
  ],
  remediesOnCharge: [
    {
      kind: 'credit',
      claimId: 'clm_1',
      amount: { amountMinor: 40, currency: 'USD' },
      at: '2026-11-21T11:01:00Z',
      state: 'issued',
    },
  ],
  mails: [
    {
      to: 'dev@customer.example',
      subject: 'We received your refund claim clm_1',
      sentAt: '2026-11-21T11:00:01Z',
      about: 'claim clm_1',
    },
  ],
  clauses: [
    {
      topic: 'disputed credits',
      clause: 'Chargebacks and Payment Disputes',
      quote: 'We reserve the right to deduct disputed credits',
    },
  ],
};

describe("the evidence pack mapped onto Stripe's dispute evidence fields", () => {
  it('fills the activity log, the email, the service date, the policy disclosure and the refund history', () => {
    const fields = toStripeEvidence(EVIDENCE);
    expect(fields.access_activity_log).toContain(
      'made 4 API requests since 2026-11-20T09:00:00.000Z: 3 succeeded (75.0%), 3 delivered output',
    );
    expect(fields.access_activity_log).toContain('req_1 /v1/images/generate HTTP 200 output delivered');
    expect(fields).toMatchObject({ customer_email_address: 'dev@customer.example', service_date: '2026-11-20' });
    expect(fields.refund_policy_disclosure).toContain('"APIAny Refund Policy" (version abc)');
    expect(fields.refund_refusal_explanation).toContain('Claim clm_1 (failed_request');
    expect(fields.uncategorized_text).toContain('- credit $0.40 for claim clm_1');
  });

  it('lets a person replace or clear a field', () => {
    const edited = applyEvidenceEdits(toStripeEvidence(EVIDENCE), {
      product_description: 'API credits',
      uncategorized_text: '',
    });
    expect(edited.product_description).toBe('API credits');
    expect(edited).not.toHaveProperty('uncategorized_text');
  });

  it('says so when the customer never asked for a refund, and caps every field at Stripe’s limit', () => {
    const fields = toStripeEvidence({
      ...EVIDENCE,
      claims: [],
      usage: { ...EVIDENCE.usage!, sample: Array.from({ length: 400 }, () => EVIDENCE.usage!.sample[0]!) },
    });
    expect(fields.refund_refusal_explanation).toBe(
      'The customer did not ask us for a refund before disputing the charge.',
    );
    expect(
      applyEvidenceEdits(fields, { uncategorized_text: 'x'.repeat(30_000) }).uncategorized_text!.length,
    ).toBeLessThanOrEqual(20_000);
  });
});
