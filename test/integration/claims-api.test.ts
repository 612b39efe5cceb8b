import { ulid } from 'ulid';
import { KEYS, startDesk, waitForClaimStatus, type Desk } from './desk-harness';

let d: Desk;

beforeAll(async () => {
  d = await startDesk();
});

afterAll(async () => {
  await d?.close();
});

/** A fresh pixazo-api account with two 5xx calls and one 4xx call in its ledger, fed in through the API. */
async function pixazoAccount() {
  const accountId = `acct_${ulid()}`;
  const email = `${accountId.toLowerCase()}@customer.example`;
  const put = await d.call('PUT', `/v1/accounts/${accountId}`, {
    bearer: KEYS.operator,
    body: { email, policyId: 'pixazo-api' },
  });
  expect(put.status).toBe(201);
  const at = new Date(Date.now() - 2 * 86_400_000).toISOString();
  const call = (suffix: string, httpStatus: number) => ({
    requestId: `${accountId}_${suffix}`,
    accountId,
    endpoint: '/v1/images/generate',
    model: 'sdxl',
    httpStatus,
    outcome: 'error',
    amountMinor: 150,
    currency: 'USD',
    outputDelivered: false,
    startedAt: at,
    completedAt: at,
  });
  const feed = await d.call('POST', '/v1/usage/requests', {
    bearer: KEYS.operator,
    body: { records: [call('a', 502), call('b', 503), call('c', 404)] },
  });
  expect(feed.body).toEqual({ received: 3, inserted: 3, duplicates: 0 });
  return { accountId, email, requestIds: [`${accountId}_a`, `${accountId}_b`] };
}

async function claimCount(): Promise<number> {
  const { rows } = await d.db.query<{ n: string }>('SELECT count(*) AS n FROM claims');
  return Number(rows[0]!.n);
}

describe('claims over HTTP against Temporal, PostgreSQL and SMTP', () => {
  it('carries a claim of failed calls through the workflow to one credit row and emails the customer', async () => {
    const { accountId, email, requestIds } = await pixazoAccount();
    const submitted = await d.call('POST', '/v1/claims', {
      body: { accountId, reason: 'failed_request', requestIds, explanation: 'two generations failed with 5xx' },
    });
    expect(submitted.status).toBe(202);
    expect(submitted.body).toMatchObject({ status: 'received', acknowledgement: expect.stringMatching(/on file/) });
    expect(submitted.body.claimToken).toBeUndefined();
    const { claimId } = submitted.body;
    // The customer's token arrives in the acknowledgement, at the account's address on file.
    const ack = await d.sink.waitFor((m) => m.to.includes(email) && /We received your/.test(m.subject));
    const claimToken = new URL(/https?:\/\/\S+\/claims\/clm_\w+\?token=ct_[\w-]+/.exec(ack.text)![0]).searchParams.get(
      'token',
    )!;

    const claim = await waitForClaimStatus(d, claimId, claimToken, 'closed');
    expect(claim.policy).toEqual({ id: 'pixazo-api', version: expect.stringMatching(/^[0-9a-f]{16}$/) });
    expect(claim.decision).toMatchObject({ outcome: 'approved', amountMinor: 300, currency: 'USD', remedy: 'credit' });
    expect(claim.decision.reasons.map((r: { clause: string }) => r.clause)).toContain('§5.2');
    expect(claim.timeline.map((e: { type: string }) => e.type)).toEqual(
      expect.arrayContaining(['submitted', 'evidence_check_started', 'decided', 'credit_issued', 'closed']),
    );

    const credits = await d.db.query(
      'SELECT amount_minor, currency, idempotency_key FROM credits_issued WHERE claim_id = $1',
      [claimId],
    );
    expect(credits.rows).toEqual([
      { amount_minor: '300', currency: 'USD', idempotency_key: `claim:${claimId}:credit` },
    ]);

    const decisionMail = await d.sink.waitFor((m) => m.to.includes(email) && /Decision/.test(m.subject));
    expect(decisionMail.text).toContain('§5.2');
    const moneyMail = await d.sink.waitFor((m) => m.to.includes(email) && /has been sent/.test(m.subject));
    expect(moneyMail.text).toContain('$3.00');
  });

  it('never remedies the same call twice: a second claim for credited calls is denied, naming the first', async () => {
    const { accountId, requestIds } = await pixazoAccount();
    const first = await d.call('POST', '/v1/claims', { body: { accountId, reason: 'failed_request', requestIds } });
    await waitForClaimStatus(d, first.body.claimId, d.claimToken(first.body.claimId), 'closed');
    const second = await d.call('POST', '/v1/claims', { body: { accountId, reason: 'failed_request', requestIds } });
    const denied = await waitForClaimStatus(d, second.body.claimId, d.claimToken(second.body.claimId), 'denied');
    const reason = denied.decision.reasons.find((r: { code: string }) => r.code === 'already_remedied');
    expect(reason).toMatchObject({ clause: '§5.2', requestIds });
    expect(reason.message).toContain(first.body.claimId);
    const credits = await d.db.query(
      'SELECT count(*)::int AS n FROM credits_issued c JOIN claims cl ON cl.id = c.claim_id WHERE cl.account_id = $1',
      [accountId],
    );
    expect(credits.rows[0].n).toBe(1);
  });

  it('treats a resubmission with the same Idempotency-Key as the same claim, and a changed body as a conflict', async () => {
    const { accountId, requestIds } = await pixazoAccount();
    const body = { accountId, reason: 'failed_request', requestIds };
    const headers = { 'idempotency-key': `key-${ulid()}` };
    const first = await d.call('POST', '/v1/claims', { body, headers });
    const before = await claimCount();
    const again = await d.call('POST', '/v1/claims', { body, headers });
    expect(first.status).toBe(202);
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
    const changed = await d.call('POST', '/v1/claims', {
      body: { ...body, requestIds: requestIds.slice(0, 1) },
      headers,
    });
    expect(changed.status).toBe(409);
    expect(await claimCount()).toBe(before);
  });

  it('answers malformed input with a 4xx that names the problem, and stores nothing', async () => {
    const { accountId } = await pixazoAccount();
    const before = await claimCount();
    const cases = [
      { body: '{"reason": "failed_request",', status: 400, message: /not valid JSON/ },
      { body: { accountId, reason: 'refund_please' }, status: 400, message: /reason/ },
      { body: { accountId, reason: 'failed_request', surprise: true }, status: 400, message: /surprise/ },
      { body: { reason: 'failed_request' }, status: 400, message: /accountId or email/ },
    ];
    for (const c of cases) {
      const res = await d.call('POST', '/v1/claims', { body: c.body });
      expect({ status: res.status, error: res.body.error }).toEqual({
        status: c.status,
        error: expect.stringMatching(c.message),
      });
    }
    expect(await claimCount()).toBe(before);

    const badBatch = await d.call('POST', '/v1/usage/requests', {
      bearer: KEYS.operator,
      body: {
        records: [
          {
            requestId: `ok_${ulid()}`,
            accountId,
            endpoint: '/x',
            httpStatus: 500,
            outcome: 'error',
            amountMinor: 1.5,
            currency: 'USD',
            outputDelivered: false,
            startedAt: new Date().toISOString(),
          },
        ],
      },
    });
    expect(badBatch.status).toBe(400);
    expect(badBatch.body.error).toMatch(/records\.0\.amountMinor/);
    const unknownAccount = await d.call('POST', '/v1/usage/requests', {
      bearer: KEYS.operator,
      body: {
        records: [
          {
            requestId: `orphan_${ulid()}`,
            accountId: 'acct_missing',
            endpoint: '/x',
            httpStatus: 500,
            outcome: 'error',
            amountMinor: 1,
            currency: 'USD',
            outputDelivered: false,
            startedAt: new Date().toISOString(),
          },
        ],
      },
    });
    expect(unknownAccount.status).toBe(422);
    expect(unknownAccount.body.error).toMatch(/records\.0: unknown account "acct_missing"/);
    const backwardsPeriod = await d.call('POST', '/v1/usage/charges', {
      bearer: KEYS.operator,
      body: {
        records: [
          {
            transactionId: `ok_${ulid()}`,
            accountId,
            amountMinor: 100,
            currency: 'USD',
            kind: 'usage',
            periodStart: '2026-11-02T00:00:00Z',
            periodEnd: '2026-11-01T00:00:00Z',
            createdAt: '2026-11-02T00:00:00Z',
          },
        ],
      },
    });
    expect(backwardsPeriod.status).toBe(422);
    expect(backwardsPeriod.body.error).toMatch(/periodEnd must be after periodStart/);
    const orphans = await d.db.query(
      "SELECT 1 FROM usage_requests WHERE request_id LIKE 'orphan_%' OR request_id LIKE 'ok_%'",
    );
    expect(orphans.rowCount).toBe(0);
    expect((await d.db.query("SELECT 1 FROM charges WHERE transaction_id LIKE 'ok_%'")).rowCount).toBe(0);
  });

  it('refuses a decision from a staff role that may not decide (403), and accepts the lead', async () => {
    const { accountId } = await pixazoAccount();
    const submitted = await d.call('POST', '/v1/claims', {
      body: { accountId, reason: 'other', explanation: 'my invoice looks odd', transactionId: 'txn_unknown' },
    });
    const { claimId } = submitted.body;
    const claimToken = d.claimToken(claimId);
    await waitForClaimStatus(d, claimId, claimToken, 'in_review');
    const decision = { outcome: 'denied', remedy: 'none', note: 'nothing wrong found' };
    for (const key of [KEYS.agent, KEYS.finance]) {
      const res = await d.call('POST', `/v1/cases/${claimId}/decision`, { bearer: key, body: decision });
      expect(res.status).toBe(403);
    }
    expect((await d.call('POST', `/v1/cases/${claimId}/decision`, { body: decision })).status).toBe(401);
    const cases = await d.call('GET', '/v1/cases?status=in_review', { bearer: KEYS.agent });
    expect(cases.body.cases.map((c: { claimId: string }) => c.claimId)).toContain(claimId);
    const byLead = await d.call('POST', `/v1/cases/${claimId}/decision`, { bearer: KEYS.lead, body: decision });
    expect(byLead.status).toBe(200);
    await waitForClaimStatus(d, claimId, claimToken, 'denied');
  });

  it("does not let one customer's token read another customer's claim", async () => {
    const alice = await pixazoAccount();
    const bob = await pixazoAccount();
    const a = await d.call('POST', '/v1/claims', {
      body: { accountId: alice.accountId, reason: 'failed_request', requestIds: alice.requestIds },
    });
    const b = await d.call('POST', '/v1/claims', {
      body: { accountId: bob.accountId, reason: 'failed_request', requestIds: bob.requestIds },
    });
    expect((await d.call('GET', `/v1/claims/${a.body.claimId}`, { bearer: d.claimToken(a.body.claimId) })).status).toBe(
      200,
    );
    const crossed = await d.call('GET', `/v1/claims/${a.body.claimId}`, { bearer: d.claimToken(b.body.claimId) });
    expect(crossed.status).toBe(404);
    expect(crossed.body.status).toBeUndefined();
    expect((await d.call('GET', `/v1/claims/${a.body.claimId}`)).status).toBe(401);
  });

  it('answers a claim naming an unknown email or account exactly as a known one, stores no claim, keeps it for staff', async () => {
    const known = await pixazoAccount();
    const stranger = `nobody-${ulid().toLowerCase()}@customer.example`;
    const claimsBefore = await claimCount();
    const submit = (naming: object, key: string) =>
      d.call('POST', '/v1/claims', {
        body: { ...naming, reason: 'failed_request', requestIds: known.requestIds },
        headers: { 'idempotency-key': key },
      });
    const keys = [`k-${ulid()}`, `k-${ulid()}`, `k-${ulid()}`];
    const answers = [
      await submit({ email: known.email.toUpperCase() }, keys[0]!),
      await submit({ email: stranger }, keys[1]!),
      await submit({ accountId: `acct_${ulid()}` }, keys[2]!),
    ];
    // Same status, same fields, same wording; only the fresh claim id differs.
    const shape = (a: { status: number; body: Record<string, unknown> }) => ({
      status: a.status,
      body: { ...a.body, claimId: String(a.body.claimId).replace(/clm_\w+/, 'clm_'), links: undefined },
    });
    expect(answers.map(shape)).toEqual(Array(3).fill(shape(answers[0]!)));
    expect(answers[0]!.status).toBe(202);

    // Replays answer the same again (200), and a changed body is 409 in both cases.
    for (const [i, naming] of [{ email: known.email.toUpperCase() }, { email: stranger }].entries()) {
      const again = await submit(naming, keys[i]!);
      expect(again).toEqual({ status: 200, body: answers[i]!.body });
    }
    const changed = await d.call('POST', '/v1/claims', {
      body: { email: stranger, reason: 'other' },
      headers: { 'idempotency-key': keys[1]! },
    });
    expect(changed.status).toBe(409);

    // Only the known account's claim is stored; the others are kept for staff, with nothing else written.
    expect(await claimCount()).toBe(claimsBefore + 1);
    const unmatched = await d.db.query(
      'SELECT id, named_email, named_account_id FROM unmatched_claims WHERE id = ANY($1) ORDER BY id',
      [answers.slice(1).map((a) => a.body.claimId)],
    );
    expect(unmatched.rows).toHaveLength(2);
    expect(unmatched.rows.map((r) => r.named_email)).toContain(stranger);
    const outbox = await d.db.query('SELECT 1 FROM claim_outbox WHERE claim_id = ANY($1)', [
      answers.slice(1).map((a) => a.body.claimId),
    ]);
    expect(outbox.rowCount).toBe(0);

    // The acknowledgement goes to the address on file (lower case here), and nothing is mailed to a stranger.
    const ack = await d.sink.waitFor((m) => m.to.includes(known.email) && m.text.includes(answers[0]!.body.claimId));
    expect(ack.to).not.toContain(known.email.toUpperCase());
    expect(d.sink.messages().filter((m) => m.to.includes(stranger))).toEqual([]);

    // An unknown claim id and a known one answer alike without their token.
    for (const id of answers.map((a) => a.body.claimId)) {
      expect((await d.call('GET', `/v1/claims/${id}`)).status).toBe(401);
      const withdraw = await d.call('POST', `/v1/claims/${id}/withdraw`, { bearer: 'ct_forged', body: {} });
      expect({ status: withdraw.status, error: withdraw.body.error }).toEqual({
        status: 404,
        error: 'no such claim for this token',
      });
    }
  });

  it('reports its health and serves its OpenAPI document', async () => {
    const health = await d.call('GET', '/healthz');
    expect(health).toEqual({ status: 200, body: { status: 'ok', postgres: { ok: true }, temporal: { ok: true } } });
    const { status, body } = await d.call('GET', '/openapi.json');
    expect(status).toBe(200);
    expect(body.openapi).toBe('3.1.0');
    expect(Object.keys(body.paths)).toEqual(
      expect.arrayContaining(['/v1/claims', '/v1/cases/{claimId}/decision', '/v1/policies/{policyId}/simulate']),
    );
    expect(
      body.paths['/v1/claims'].post.requestBody.content['application/json'].schema.properties.reason.enum,
    ).toContain('failed_request');
  });
});
