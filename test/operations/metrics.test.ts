import { ulid } from 'ulid';
import { createTestDatabase, type TestDatabase } from '../support/db';
import { KEYS, startDesk, waitForClaimStatus, type Desk } from '../integration/desk-harness';
import { scrape, seriesOf, valueOf, type Sample } from './scrape';

let testDb: TestDatabase;
let d: Desk;

// A database of its own, so every figure below is exactly what this file did.
beforeAll(async () => {
  testDb = await createTestDatabase('refund_desk_metrics');
  d = await startDesk({ DATABASE_URL: testDb.url });
});

afterAll(async () => {
  await d?.close();
  await testDb?.drop();
});

async function account(policyId: string, calls: { suffix: string; httpStatus: number; amountMinor: number }[]) {
  const accountId = `acct_${ulid()}`;
  const put = await d.call('PUT', `/v1/accounts/${accountId}`, {
    bearer: KEYS.operator,
    body: { email: `${accountId.toLowerCase()}@c.example`, policyId },
  });
  expect(put.status).toBe(201);
  const at = new Date(Date.now() - 2 * 86_400_000).toISOString();
  const records = calls.map((c) => ({
    requestId: `${accountId}_${c.suffix}`,
    accountId,
    endpoint: '/v1/videos/generate',
    model: null,
    httpStatus: c.httpStatus,
    outcome: 'error',
    amountMinor: c.amountMinor,
    currency: 'USD',
    outputDelivered: false,
    startedAt: at,
    completedAt: at,
  }));
  expect((await d.call('POST', '/v1/usage/requests', { bearer: KEYS.operator, body: { records } })).status).toBe(200);
  return accountId;
}

async function claim(accountId: string, requestIds: string[]) {
  const res = await d.call('POST', '/v1/claims', {
    body: { accountId, reason: 'failed_request', requestIds, explanation: 'it failed' },
  });
  expect(res.status).toBe(202);
  return { claimId: res.body.claimId as string, claimToken: d.claimToken(res.body.claimId) };
}

const metricsOf = (): Promise<Sample[]> => scrape(`${d.desk.apiUrl}/metrics`);

describe('GET /metrics after real claims', () => {
  it('counts claims, decisions by who decided, open cases, payouts awaiting finance, money by currency and activity failures', async () => {
    const sora = await account('sora2-api', [
      { suffix: 'v1', httpStatus: 500, amountMinor: 900 },
      { suffix: 'v2', httpStatus: 500, amountMinor: 700 },
    ]);
    const refunded = await claim(sora, [`${sora}_v1`]);
    await waitForClaimStatus(d, refunded.claimId, refunded.claimToken, 'in_review');
    const decide = (body: object) =>
      d.call('POST', `/v1/cases/${refunded.claimId}/decision`, { bearer: KEYS.lead, body });
    // sora2-api refuses a refund without its legal basis: the validating activity fails with PolicyViolation.
    expect((await decide({ outcome: 'approved', amountMinor: 900, remedy: 'refund' })).status).toBe(422);
    expect(
      (await decide({ outcome: 'approved', amountMinor: 900, remedy: 'refund', note: 'Cal. Civ. Code §1750' })).status,
    ).toBe(200);
    await waitForClaimStatus(d, refunded.claimId, refunded.claimToken, 'awaiting_payout');

    const waiting = await metricsOf();
    expect(valueOf(waiting, 'refund_desk_claim_figures_up')).toBe(1);
    expect(seriesOf(waiting, 'refund_desk_open_cases')).toEqual({
      'status=received': 0,
      'status=checking': 0,
      'status=awaiting_customer': 0,
      'status=in_review': 0,
      'status=approved': 0,
      'status=awaiting_payout': 1,
      'status=on_hold': 0,
      'status=needs_attention': 0,
    });
    expect(valueOf(waiting, 'refund_desk_payouts_awaiting_confirmation', { currency: 'USD' })).toBe(1);
    expect(valueOf(waiting, 'refund_desk_payouts_awaiting_confirmation_minor_units', { currency: 'USD' })).toBe(900);
    expect(
      valueOf(waiting, 'refund_desk_payout_awaiting_confirmation_oldest_age_seconds', { currency: 'USD' }),
    ).toBeGreaterThanOrEqual(0);
    expect(seriesOf(waiting, 'refund_desk_refunds_paid_minor_units_total')).toEqual({});

    const confirmed = await d.call('POST', `/v1/cases/${refunded.claimId}/payout-confirmation`, {
      bearer: KEYS.finance,
      body: { processorReference: 're_1' },
    });
    expect(confirmed.status).toBe(200);
    await waitForClaimStatus(d, refunded.claimId, refunded.claimToken, 'closed');
    const stillInReview = await claim(sora, [`${sora}_v2`]);
    await waitForClaimStatus(d, stillInReview.claimId, stillInReview.claimToken, 'in_review');
    const pixazo = await account('pixazo-api', [
      { suffix: 'a', httpStatus: 502, amountMinor: 150 },
      { suffix: 'b', httpStatus: 503, amountMinor: 150 },
    ]);
    const credited = await claim(pixazo, [`${pixazo}_a`, `${pixazo}_b`]);
    await waitForClaimStatus(d, credited.claimId, credited.claimToken, 'closed');
    expect((await d.call('GET', '/v1/no-such-route')).status).toBe(404);

    const after = await metricsOf();
    expect(seriesOf(after, 'refund_desk_claims_received_total')).toEqual({
      'policy=sora2-api,channel=api': 2,
      'policy=pixazo-api,channel=api': 1,
    });
    expect(seriesOf(after, 'refund_desk_decisions_total')).toEqual({
      'policy=sora2-api,outcome=approved,decided_by=staff': 1,
      'policy=pixazo-api,outcome=approved,decided_by=engine': 1,
    });
    expect(valueOf(after, 'refund_desk_open_cases', { status: 'in_review' })).toBe(1);
    expect(valueOf(after, 'refund_desk_open_cases', { status: 'awaiting_payout' })).toBe(0);
    expect(seriesOf(after, 'refund_desk_payouts_awaiting_confirmation')).toEqual({});
    expect(seriesOf(after, 'refund_desk_refunds_paid_minor_units_total')).toEqual({ 'currency=USD': 900 });
    expect(seriesOf(after, 'refund_desk_credits_issued_minor_units_total')).toEqual({ 'currency=USD': 300 });
    expect(valueOf(after, 'refund_desk_overdue_cases')).toBe(0);
    expect(seriesOf(after, 'refund_desk_escalated_cases')).toEqual({ 'level=lead': 0, 'level=finance': 0 });
    expect(seriesOf(after, 'refund_desk_sla_breaches_total')).toEqual({
      'deadline=review': 0,
      'deadline=resolution': 0,
      'deadline=payout': 0,
      'deadline=customer_reply': 0,
    });
    // The dispatcher shares the in-process worker's connection: the server hands each first workflow task straight back.
    expect(seriesOf(after, 'refund_desk_claim_workflow_starts_total')).toEqual({ 'eager=true': 3 });
    expect(seriesOf(after, 'refund_desk_activity_failures_total')).toEqual({
      'activity=validateStaffDecision,error_type=PolicyViolation': 1,
    });

    const requests = (route: string, method: string, status: number) =>
      valueOf(after, 'refund_desk_http_request_duration_seconds_count', { method, route, status: String(status) });
    expect(requests('/v1/claims', 'POST', 202)).toBe(3);
    expect(requests('/v1/cases/:claimId/decision', 'POST', 422)).toBe(1);
    expect(requests('/v1/cases/:claimId/decision', 'POST', 200)).toBe(1);
    expect(requests('/v1/cases/:claimId/payout-confirmation', 'POST', 200)).toBe(1);
    expect(requests('unmatched', 'GET', 404)).toBe(1);
    expect(requests('/v1/claims/:claimId', 'GET', 200)).toBeGreaterThanOrEqual(4);
    // Route patterns only: no claim id ever becomes a label.
    expect(after.filter((s) => s.labels.route?.includes('clm_'))).toEqual([]);
  });
});
