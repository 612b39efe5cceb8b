import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { ulid } from 'ulid';
import { disputedAccount } from '../chargebacks/chargeback-desk';
import { KEYS, type Desk } from '../integration/desk-harness';

/** Screenshots are test artifacts, in a git-ignored folder. */
export const ARTIFACTS = path.resolve(__dirname, '..', '..', 'test-artifacts', 'console');

/** A real Chromium, as the global setup provisioned it (CHROMIUM_PATH, a system one, or @sparticuz/chromium). */
export async function launchBrowser(): Promise<Browser> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const executablePath = process.env.CHROMIUM_PATH;
  if (!executablePath)
    throw new Error(`no Chromium was provisioned: ${process.env.CHROMIUM_UNAVAILABLE ?? 'run the tests through jest'}`);
  return chromium.launch({
    executablePath,
    args: JSON.parse(process.env.CHROMIUM_ARGS ?? '[]') as string[],
    headless: true,
  });
}

/** A fresh browser context signed in with a staff key through the sign-in form; CSP violations are collected. */
export async function signIn(browser: Browser, d: Desk, role: keyof typeof KEYS) {
  const context = await browser.newContext({ viewport: { width: 1360, height: 900 } });
  const page = await context.newPage();
  const cspViolations: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' && /Content Security Policy/i.test(m.text())) cspViolations.push(m.text());
  });
  await page.goto(`${d.desk.apiUrl}/console`);
  await page.getByLabel('Staff key').fill(KEYS[role]);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(/\/console\/queue/);
  return { context, page, cspViolations };
}

/** The CSRF token the page's forms carry, as a script in the page could read it. */
export async function csrfTokenOf(page: Page): Promise<string> {
  return page.locator('input[name="_csrf"]').first().inputValue();
}

/** The session cookie of a context. */
export async function sessionCookie(context: BrowserContext) {
  return (await context.cookies()).find((c) => c.name === 'rd_console');
}

/**
 * A pixazo-api claim that needs a person: two calls that failed with 5xx for $60 each, above the $100 automatic limit
 * (§5.3), fed in and claimed through the API. Resolves once the workflow has put it in review.
 */
export async function claimInReview(d: Desk): Promise<{ claimId: string; accountId: string }> {
  const accountId = `acct_${ulid()}`;
  const email = `${accountId.toLowerCase()}@customer.example`;
  await d.call('PUT', `/v1/accounts/${accountId}`, { bearer: KEYS.operator, body: { email, policyId: 'pixazo-api' } });
  const at = new Date(Date.now() - 86_400_000).toISOString();
  const call = (suffix: string, httpStatus: number) => ({
    requestId: `${accountId}_${suffix}`,
    accountId,
    endpoint: '/v1/videos/generate',
    model: 'vid-1',
    httpStatus,
    outcome: 'error',
    amountMinor: 6000,
    currency: 'USD',
    outputDelivered: false,
    startedAt: at,
    completedAt: at,
  });
  const fed = await d.call('POST', '/v1/usage/requests', {
    bearer: KEYS.operator,
    body: { records: [call('a', 502), call('b', 503)] },
  });
  if (fed.status !== 200) throw new Error(`feeding the ledger failed: ${JSON.stringify(fed.body)}`);
  const submitted = await d.call('POST', '/v1/claims', {
    body: {
      accountId,
      reason: 'failed_request',
      requestIds: [`${accountId}_a`, `${accountId}_b`],
      explanation: 'Both video renders failed with a server error.',
    },
  });
  const { claimId } = submitted.body as { claimId: string };
  await waitForStatus(d, claimId, 'in_review');
  return { claimId, accountId };
}

/** Polls the staff case view until the claim has this status. */
export async function waitForStatus(d: Desk, claimId: string, status: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { body } = await d.call('GET', `/v1/cases/${claimId}`, { bearer: KEYS.agent });
    if (body?.status === status) return;
    if (Date.now() > deadline)
      throw new Error(`claim ${claimId} stayed ${body?.status ?? JSON.stringify(body)}, expected ${status}`);
    await new Promise((r) => setTimeout(r, 150));
  }
}

/**
 * An account on `policyId` with a $50.00 purchase, disputed through the processor-neutral intake with evidence due in
 * about four days. Resolves once the workflow has built the evidence pack.
 */
export async function openDispute(
  d: Desk,
  policyId: string,
): Promise<{ chargebackId: string; accountId: string; email: string }> {
  // The account, its $50.00 purchase and some usage come from the chargeback tests' own fixture.
  const { accountId, email, disputeId, paymentIntent } = await disputedAccount(d, policyId);
  const operator = { bearer: KEYS.operator };
  const dueBy = new Date(Date.now() + 4 * 86_400_000 + 3_600_000).toISOString();
  const opened = await d.call('POST', '/v1/chargebacks', {
    ...operator,
    body: {
      processor: 'adyen',
      eventId: `evt_${disputeId}`,
      type: 'created',
      occurredAt: new Date().toISOString(),
      dispute: {
        id: disputeId,
        paymentIntentRef: paymentIntent,
        amountMinor: 5000,
        currency: 'USD',
        reason: 'product_not_received',
        status: 'needs_response',
        dueBy,
      },
    },
  });
  if (opened.status !== 202) throw new Error(`dispute intake: ${opened.status} ${JSON.stringify(opened.body)}`);
  const chargebackId = (opened.body as { chargebackId: string }).chargebackId;
  const deadline = Date.now() + 30_000;
  for (;;) {
    const { body } = await d.call('GET', `/v1/chargebacks/${chargebackId}`, { bearer: KEYS.agent });
    if (body?.evidence && body.deadlines?.length) return { chargebackId, accountId, email };
    if (Date.now() > deadline) throw new Error(`chargeback ${chargebackId} has no evidence pack yet`);
    await new Promise((r) => setTimeout(r, 150));
  }
}

/** Waits for a locator's text to match; the page updates in place, so it is read until it does (generous for a loaded CI). */
export async function expectText(locator: Locator, pattern: RegExp): Promise<void> {
  const deadline = Date.now() + 30_000;
  let text = '';
  while (Date.now() < deadline) {
    text = (await locator.textContent({ timeout: 30_000 })) ?? '';
    if (pattern.test(text)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  expect(text).toMatch(pattern);
}
