import path from 'node:path';
import type { Browser } from 'playwright-core';
import { startDesk, type Desk } from '../integration/desk-harness';
import {
  ARTIFACTS,
  claimInReview,
  csrfTokenOf,
  expectText,
  launchBrowser,
  sessionCookie,
  signIn,
  waitForStatus,
} from './console-harness';

let d: Desk;
let browser: Browser;

beforeAll(async () => {
  [d, browser] = await Promise.all([startDesk(), launchBrowser()]);
});

afterAll(async () => {
  await browser?.close();
  await d?.close();
});

async function claimStatus(claimId: string): Promise<string> {
  const { rows } = await d.db.query<{ status: string }>('SELECT status FROM claims WHERE id = $1', [claimId]);
  return rows[0]!.status;
}

describe('the support console in Chromium, against the app, PostgreSQL, Temporal and the worker', () => {
  it('shows an agent the in-review claim with its countdown, evidence and clauses, but no decide button; a forged decision POST is refused', async () => {
    const { claimId } = await claimInReview(d);
    const { context, page, cspViolations } = await signIn(browser, d, 'agent');

    await page.getByRole('link', { name: /Needs a decision/ }).click();
    const row = page.locator('tr', { has: page.getByRole('link', { name: claimId }) });
    await row.waitFor();
    await expectText(row, /\$120\.00/);
    await expectText(row, /business days? left|due today/);
    await page.screenshot({ path: path.join(ARTIFACTS, 'queue.png'), fullPage: true });
    await page.setViewportSize({ width: 390, height: 844 });
    await page.screenshot({ path: path.join(ARTIFACTS, 'queue-phone.png'), fullPage: true });
    await page.setViewportSize({ width: 1360, height: 900 });

    await row.getByRole('link', { name: claimId }).click();
    await page.getByRole('heading', { name: `Claim ${claimId}` }).waitFor();
    const evidence = page.getByRole('table', { name: 'Claimed requests and their verdicts' });
    await expectText(evidence, /platform error/);
    await expectText(page.locator('.reasons').first(), /§5\.2/);
    await expectText(page.locator('#case-status'), /in review/);
    expect(await page.getByRole('button', { name: 'Record decision' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Request information' }).count()).toBe(1);
    await page.screenshot({ path: path.join(ARTIFACTS, 'case.png'), fullPage: true });

    // A forged POST with the agent's own session and a valid token: the role check refuses it, not the page.
    const forged = await context.request.post(`${d.desk.apiUrl}/console/cases/${claimId}/decision`, {
      form: { _csrf: await csrfTokenOf(page), outcome: 'approved', remedy: 'credit' },
      maxRedirects: 0,
    });
    expect(forged.status()).toBe(403);
    expect(await forged.text()).toContain('role agent may not do this');
    expect(await claimStatus(claimId)).toBe('in_review');
    expect(cspViolations).toEqual([]);
    await context.close();
  });

  it('lets a lead partially approve a refund within the remainder limit, refusing an over-payment; the claim awaits payout and the timeline names the lead', async () => {
    const { claimId } = await claimInReview(d);
    const { context, page, cspViolations } = await signIn(browser, d, 'lead');
    await page.goto(`${d.desk.apiUrl}/console/cases/${claimId}`);
    await expectText(page.locator('#limit'), /at most \$120\.00/);

    const decide = async (amount: string) => {
      await page.getByLabel('Partially approve').check();
      await page.getByLabel(/^Amount/).fill(amount);
      await page.getByLabel('Remedy').selectOption('refund');
      await page.getByLabel(/^Note/).fill('One of the two renders was retried successfully by the customer.');
      await page.getByRole('button', { name: 'Record decision' }).click();
    };
    await decide('150.00');
    await expectText(page.getByRole('alert'), /Refused: .*120/);
    expect(await claimStatus(claimId)).toBe('in_review');

    await decide('60.00');
    await expectText(
      page.getByRole('status').first(),
      /Decision recorded: partially approved, \$60\.00 as refund\. The claim is now awaiting payout/,
    );
    await expectText(page.locator('#case-status'), /awaiting payout/);
    await expectText(page.locator('.timeline'), /decided[\s\S]*staff lead:it-lead/);
    const { rows } = await d.db.query(
      'SELECT actor_type, actor_id FROM claim_events WHERE claim_id = $1 AND type = $2',
      [claimId, 'decided'],
    );
    expect(rows).toEqual([{ actor_type: 'staff', actor_id: 'lead:it-lead' }]);
    expect(cspViolations).toEqual([]);
    await context.close();
  });

  it('lets finance confirm the payout with its processor reference, which closes the claim', async () => {
    const { claimId } = await claimInReview(d);
    await d.call('POST', `/v1/cases/${claimId}/decision`, {
      bearer: 'it-lead-key',
      body: { outcome: 'partially_approved', amountMinor: 5000, remedy: 'refund', note: 'half' },
    });
    await waitForStatus(d, claimId, 'awaiting_payout');
    const { context, page } = await signIn(browser, d, 'finance');
    await page.getByRole('link', { name: /Awaiting payout/ }).click();
    await page.getByRole('link', { name: claimId }).click();
    expect(await page.getByRole('button', { name: 'Record decision' }).count()).toBe(0);
    await page.getByLabel('Processor reference').fill('re_console_1');
    await page.getByRole('button', { name: 'Confirm payout' }).click();
    await expectText(
      page.getByRole('status').first(),
      /Payout confirmed with reference re_console_1\. The claim is now closed/,
    );
    await expectText(page.locator('#case-status'), /closed/);
    const { rows } = await d.db.query('SELECT status, confirmed_by, processor_ref FROM payouts WHERE claim_id = $1', [
      claimId,
    ]);
    expect(rows[0]).toMatchObject({ status: 'confirmed', confirmed_by: 'finance:it-finance' });
    await context.close();
  });

  it('lets a lead ask the customer for information, by keyboard alone; the claim shows awaiting the customer', async () => {
    const { claimId } = await claimInReview(d);
    const { context, page } = await signIn(browser, d, 'lead');
    await page.getByRole('link', { name: claimId }).focus();
    await page.keyboard.press('Enter');
    await page.getByLabel('Message to the customer').focus();
    await page.keyboard.type('Please send the error bodies of both calls.');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await expectText(page.getByRole('status').first(), /The claim is now awaiting customer/);
    await expectText(page.locator('#case-status'), /awaiting customer/);
    await page.getByRole('link', { name: 'Queue' }).click();
    await page.getByRole('link', { name: /Awaiting the customer/ }).click();
    await page.getByRole('link', { name: claimId }).waitFor();
    await context.close();
  });

  it('ends the session on sign-out: the cookie no longer opens the console and the stored session is gone', async () => {
    const { context, page } = await signIn(browser, d, 'agent');
    const cookie = await sessionCookie(context);
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/console' });
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('Staff key').waitFor();
    await context.addCookies([cookie!]);
    const replayed = await context.request.get(`${d.desk.apiUrl}/console/queue`, { maxRedirects: 0 });
    expect(replayed.status()).toBe(303);
    expect(replayed.headers().location).toBe('/console/sign-in');
    const sid = decodeURIComponent(cookie!.value).replace(/^s:/, '').split('.')[0];
    const { rows } = await d.db.query('SELECT count(*)::int AS n FROM console_sessions WHERE sid = $1', [sid]);
    expect(rows[0].n).toBe(0);
    await context.close();
  });

  it('refuses a mutating request without the CSRF token, even from a signed-in lead', async () => {
    const { claimId } = await claimInReview(d);
    const { context } = await signIn(browser, d, 'lead');
    const response = await context.request.post(`${d.desk.apiUrl}/console/cases/${claimId}/decision`, {
      form: { outcome: 'approved', remedy: 'credit' },
      maxRedirects: 0,
    });
    expect(response.status()).toBe(403);
    expect(await response.text()).toContain('security token is missing');
    expect(await claimStatus(claimId)).toBe('in_review');
    await context.close();
  });

  it('shows a policy with its clauses and runs the simulator, with a CSP the page respects', async () => {
    const { context, page, cspViolations } = await signIn(browser, d, 'agent');
    const response = await page.goto(`${d.desk.apiUrl}/console/policies/pixazo-api`);
    expect(response!.headers()['content-security-policy']).toContain("script-src 'self'");
    await expectText(page.locator('.clauses'), /§5\.2[\s\S]*Returns an HTTP 5xx server error/);
    await page.getByRole('button', { name: 'Simulate' }).click();
    await expectText(page.locator('.sim-result'), /partially approved[\s\S]*\$1\.20[\s\S]*§5\.2/);
    expect(cspViolations).toEqual([]);
    await context.close();
  });
});
