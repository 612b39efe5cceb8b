import path from 'node:path';
import type { Browser } from 'playwright-core';
import { startMailWorld, type MailWorld } from '../email/mail-harness';
import { ARTIFACTS, csrfTokenOf, expectText, launchBrowser, openDispute, signIn } from './console-harness';

let w: MailWorld;
let browser: Browser;

beforeAll(async () => {
  [w, browser] = await Promise.all([startMailWorld(), launchBrowser()]);
});

afterAll(async () => {
  await browser?.close();
  await w?.close();
});

async function chargebackStatus(id: string): Promise<string> {
  const { rows } = await w.d.db.query<{ status: string }>('SELECT status FROM chargebacks WHERE id = $1', [id]);
  return rows[0]!.status;
}

describe('chargebacks and unprocessable mail in the console, in Chromium against the whole desk', () => {
  it('lets a lead open a dispute from the chargebacks tab, review the evidence pack and due countdown, and contest it with one field edited', async () => {
    const { chargebackId, email } = await openDispute(w.d, 'pixazo-api');
    const { context, page, cspViolations } = await signIn(browser, w.d, 'lead');

    await page.getByRole('link', { name: /Chargebacks with evidence due/ }).click();
    const row = page.locator('tr', { has: page.getByRole('link', { name: chargebackId }) });
    await row.waitFor();
    await expectText(row, /\$50\.00[\s\S]*open[\s\S]*4 days \d+ h left/);
    await page.screenshot({ path: path.join(ARTIFACTS, 'chargebacks-queue.png'), fullPage: true });

    await row.getByRole('link', { name: chargebackId }).click();
    await page.getByRole('heading', { name: `Chargeback ${chargebackId}` }).waitFor();
    await expectText(page.locator('#due-countdown'), /4 days \d+ h left/);
    const pack = page.locator('.evidence-pack');
    await expectText(pack, new RegExp(`customer email address[\\s\\S]*${email}`));
    await expectText(pack, /refund refusal explanation[\s\S]*did not ask us for a refund/);
    await expectText(page.locator('#account-status'), /active/);
    await page.screenshot({ path: path.join(ARTIFACTS, 'chargeback.png'), fullPage: true });

    await page.getByRole('link', { name: 'Review evidence and contest' }).click();
    const product = page.getByLabel('product description');
    await expectText(page.locator('form.contest'), /credit purchase for pay-per-use API calls/);
    await product.fill('Image generation API calls, delivered and logged.');
    await page.getByLabel(/^Note/).fill('Usage after the purchase is in the log.');
    await page.getByRole('button', { name: 'Contest with this evidence' }).click();
    await expectText(
      page.getByRole('status').first(),
      /Contested, with product description edited\. The chargeback is now contest pending/,
    );
    await expectText(page.locator('#chargeback-status'), /contest pending/);
    await expectText(page.locator('.timeline'), /contest prepared[\s\S]*staff lead:it-lead/);
    const { rows } = await w.d.db.query(
      `SELECT actor_id, data -> 'edited' AS edited FROM chargeback_events WHERE chargeback_id = $1 AND type = 'contest_prepared'`,
      [chargebackId],
    );
    expect(rows).toEqual([{ actor_id: 'lead:it-lead', edited: ['product_description'] }]);
    expect(cspViolations).toEqual([]);
    await context.close();
  });

  it('lets a lead accept a dispute with a reason; the chargeback shows accepted and leaves the tab', async () => {
    const { chargebackId } = await openDispute(w.d, 'pixazo-api');
    const { context, page } = await signIn(browser, w.d, 'lead');
    await page.goto(`${w.d.desk.apiUrl}/console/chargebacks/${chargebackId}`);
    await page.getByLabel(/^Why accept/).fill('The customer never received the credits.');
    await page.getByRole('button', { name: 'Accept dispute' }).click();
    await expectText(page.getByRole('status').first(), /Dispute accepted\. The chargeback is now accepted/);
    await expectText(page.locator('#chargeback-status'), /accepted/);
    expect(await page.getByRole('button', { name: 'Accept dispute' }).count()).toBe(0);
    expect(await chargebackStatus(chargebackId)).toBe('accepted');
    await page.goto(`${w.d.desk.apiUrl}/console/queue?tab=chargebacks`);
    await page.locator('table.queue').waitFor();
    expect(await page.getByRole('link', { name: chargebackId }).count()).toBe(0);
    await context.close();
  });

  it('shows an agent the chargeback without action buttons; a forged accept and the contest step are refused', async () => {
    const { chargebackId } = await openDispute(w.d, 'pixazo-api');
    const { context, page } = await signIn(browser, w.d, 'agent');
    await page.goto(`${w.d.desk.apiUrl}/console/chargebacks/${chargebackId}`);
    await expectText(page.locator('.evidence-pack'), /refund refusal explanation/);
    expect(await page.locator('#cb-actions ~ form button, #cb-actions ~ .action a').count()).toBe(0);
    expect(
      await page
        .getByRole('button', { name: /Accept dispute|Terminate account|Reinstate account|Confirm submission/ })
        .count(),
    ).toBe(0);
    await expectText(page.locator('section[aria-labelledby="cb-actions"]'), /Nothing for a agent to do/);

    const forged = await context.request.post(`${w.d.desk.apiUrl}/console/chargebacks/${chargebackId}/accept`, {
      form: { _csrf: await csrfTokenOf(page), why: 'forged' },
      maxRedirects: 0,
    });
    expect(forged.status()).toBe(403);
    expect(await forged.text()).toContain('role agent may not do this');
    const contest = await context.request.get(`${w.d.desk.apiUrl}/console/chargebacks/${chargebackId}/contest`, {
      maxRedirects: 0,
    });
    expect(contest.status()).toBe(403);
    expect(await chargebackStatus(chargebackId)).toBe('open');
    await context.close();
  });

  it('lists a stored unprocessable message with its reason, sender and decoded subject, for the roles the API allows', async () => {
    const sender = await w.account('apiany');
    const subject = `Rückerstattung bitte ${Date.now()}`;
    const sent = await w.send({
      from: sender.email,
      to: 'refunds@sora2-api.example',
      subject,
      text: 'A render failed.',
    });
    expect(await w.settled(sent.mailId)).toMatchObject({ state: 'unprocessable' });

    const { context, page } = await signIn(browser, w.d, 'lead');
    await page.getByRole('link', { name: 'Unprocessable mail' }).click();
    const row = page.locator('tr', { hasText: subject });
    await row.waitFor();
    await expectText(row, new RegExp(`${sender.email}[\\s\\S]*apiany`));
    await context.close();

    const finance = await signIn(browser, w.d, 'finance');
    expect(await finance.page.getByRole('link', { name: 'Unprocessable mail' }).count()).toBe(0);
    const refused = await finance.context.request.get(`${w.d.desk.apiUrl}/console/mail/unprocessable`, {
      maxRedirects: 0,
    });
    expect(refused.status()).toBe(403);
    await finance.context.close();
  });
});
