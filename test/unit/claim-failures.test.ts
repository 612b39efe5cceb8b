import { ApplicationFailure } from '@temporalio/common';
import type { ClaimFacts } from '../../common/claim';
import type { LedgerFacts } from '../../common/ledger';
import { MAX_REQUEST_IDS_PER_CLAIM } from '../../common/claim';
import { MoneyOverflow, money, sumMoney } from '../../common/money';
import { BUG_ATTEMPTS, CLAIM_ACTIVITY_ATTEMPTS, MAX_ACTIVITY_RESULT_BYTES } from '../../common/unfixable';
import { assessClaim, loadPolicyPacks, PolicyViolation } from '../../domain/policy';
import { checkResultSize, classifyClaimActivityError } from '../../worker/claim-failures';

const typeOf = (err: unknown) => (err instanceof ApplicationFailure && err.nonRetryable ? err.type : 'retried');

describe('sums are checked', () => {
  it('two amounts of 2^53−1 do not overflow silently: MoneyOverflow', () => {
    const max = money(Number.MAX_SAFE_INTEGER, 'USD');
    expect(() => sumMoney([max, max], 'USD')).toThrow(MoneyOverflow);
  });

  it('a fraction is still a plain TypeError (a bug, not an overflow)', () => {
    expect(() => money(1.5, 'USD')).toThrow(TypeError);
  });
});

describe('claim activity failures retrying cannot fix become non-retryable', () => {
  it.each([
    ['an overflow, at once', new MoneyOverflow('too big'), 1, 'MoneyOverflow'],
    ['a TypeError, after a few attempts', new TypeError('x is undefined'), BUG_ATTEMPTS, 'ActivityBug'],
    ['a TypeError on its first attempt', new TypeError('x is undefined'), 1, 'retried'],
    [
      'a network TypeError (fetch failed, with a cause)',
      new TypeError('fetch failed', { cause: new Error('ECONNREFUSED') }),
      BUG_ATTEMPTS,
      'retried',
    ],
    [
      'a database outage within the attempts',
      new Error('Connection terminated'),
      CLAIM_ACTIVITY_ATTEMPTS - 1,
      'retried',
    ],
    ['any error that never clears', new Error('Connection terminated'), CLAIM_ACTIVITY_ATTEMPTS, 'RetriesExhausted'],
  ] as const)('%s', (_label, err, attempt, expected) => {
    expect(typeOf(classifyClaimActivityError(err, attempt))).toBe(expected);
  });

  it('a business refusal passes unchanged', () => {
    const refusal = ApplicationFailure.create({ type: 'PolicyViolation', message: 'no', nonRetryable: true });
    expect(classifyClaimActivityError(refusal, 1)).toBe(refusal);
  });

  it('a result above the payload budget is refused before Temporal would drop it', () => {
    expect(() => checkResultSize({ ok: true }, 'runEvidenceCheck')).not.toThrow();
    const big = { text: 'x'.repeat(MAX_ACTIVITY_RESULT_BYTES) };
    expect(() => checkResultSize(big, 'runEvidenceCheck')).toThrow(/runEvidenceCheck returned \d+ bytes/);
  });
});

describe('a claim stays on the policy it pinned', () => {
  const pixazo = loadPolicyPacks().get('pixazo-api')!;
  const now = Date.now();
  const claim: ClaimFacts & { policyId: string } = {
    claimId: 'clm_1',
    accountId: 'acct_1',
    accountEmail: 'a@example.com',
    reason: 'failed_request',
    requestIds: ['req_1'],
    transactionId: null,
    invoiceNumber: null,
    explanation: null,
    submittedAt: new Date(now).toISOString(),
    policyId: 'pixazo-api',
  };
  const facts = (policyId: string): LedgerFacts => ({
    account: { id: 'acct_1', email: 'a@example.com', policyId, status: 'active', currency: 'USD' },
    requests: [
      {
        requestId: 'req_1',
        accountId: 'acct_1',
        endpoint: '/v1/generate',
        model: null,
        httpStatus: 500,
        outcome: 'error',
        amountMinor: 120,
        currency: 'USD',
        outputDelivered: false,
        startedAt: new Date(now - 3_600_000).toISOString(),
        completedAt: new Date(now - 3_600_000).toISOString(),
      },
    ],
    charges: [],
    outages: [],
    alreadyRemedied: [],
  });

  it('is assessed under its pinned pack after the account moved to another policy', () => {
    const assessment = assessClaim(pixazo, claim, facts('apiany'));
    expect(assessment).toMatchObject({ kind: 'decided', decision: { policy: { id: 'pixazo-api' } } });
  });

  it('refuses a pack other than the pinned one (a wiring mistake)', () => {
    const apiany = loadPolicyPacks().get('apiany')!;
    expect(() => assessClaim(apiany, claim, facts('apiany'))).toThrow(PolicyViolation);
  });
});

describe('the largest valid claim fits the payload budget', () => {
  it(`an assessment of ${MAX_REQUEST_IDS_PER_CLAIM} ids of 200 characters stays below MAX_ACTIVITY_RESULT_BYTES`, () => {
    const pixazo = loadPolicyPacks().get('pixazo-api')!;
    const at = new Date(Date.now() - 3_600_000).toISOString();
    const ids = Array.from({ length: MAX_REQUEST_IDS_PER_CLAIM }, (_, i) => `req_${i}_`.padEnd(200, 'x'));
    const facts: LedgerFacts = {
      account: { id: 'acct_1', email: 'a@example.com', policyId: 'pixazo-api', status: 'active', currency: 'USD' },
      requests: ids.map((requestId, i) => ({
        requestId,
        accountId: 'acct_1',
        endpoint: '/v1/generate',
        model: null,
        httpStatus: i % 3 ? 500 : 429,
        outcome: 'error' as const,
        amountMinor: 120,
        currency: 'USD',
        outputDelivered: false,
        startedAt: at,
        completedAt: at,
      })),
      charges: [],
      outages: [],
      alreadyRemedied: [],
    };
    const claim: ClaimFacts = {
      claimId: 'clm_1',
      accountId: 'acct_1',
      accountEmail: 'a@example.com',
      reason: 'failed_request',
      requestIds: ids,
      transactionId: null,
      invoiceNumber: null,
      explanation: null,
      submittedAt: new Date().toISOString(),
    };
    const assessment = assessClaim(pixazo, claim, facts);
    expect(assessment.kind).toBe('needs_review');
    const bytes = Buffer.byteLength(JSON.stringify(assessment));
    expect(bytes).toBeLessThan(MAX_ACTIVITY_RESULT_BYTES * 0.6);
    expect(() => checkResultSize(assessment, 'runEvidenceCheck')).not.toThrow();
  });
});
