import type { Browser } from 'playwright-core';
import { startDesk, type Desk } from '../integration/desk-harness';
import { floodAccount } from '../queue/queue-flood';
import { launchBrowser, signIn } from './console-harness';

let d: Desk;
let browser: Browser;

beforeAll(async () => {
  [d, browser] = await Promise.all([startDesk(), launchBrowser()]);
});

afterAll(async () => {
  await browser?.close();
  await d?.close();
});

describe('the console queue pages with a cursor, in Chromium', () => {
  it('shows every claim of a flooded account exactly once by following "Next page", soonest due first', async () => {
    const flood = await floodAccount(d, 61, new Date(Date.now() + 5 * 86_400_000).toISOString());
    const { page, context } = await signIn(browser, d, 'agent');
    try {
      await page.goto(`${d.desk.apiUrl}/console/queue?tab=decide&account=${flood.accountId}`);
      const seen: string[] = [];
      const ranges: string[] = [];
      for (;;) {
        await page.locator('table.queue').waitFor();
        seen.push(...(await page.locator('table.queue tbody td[data-label="Claim"] a').allTextContents()));
        ranges.push((await page.locator('nav.pager span').textContent())!.trim());
        const next = page.getByRole('link', { name: 'Next page' });
        if ((await next.count()) === 0) break;
        const from = page.url();
        await Promise.all([page.waitForURL((url) => url.href !== from), next.click()]);
        if (ranges.length > 10) throw new Error(`still paging: ${ranges.join(' | ')}`);
      }
      expect(ranges).toEqual(['Showing 1–25 of 61 claims', 'Showing 26–50 of 61 claims', 'Showing 51–61 of 61 claims']);
      expect(new Set(seen).size).toBe(seen.length);
      expect([...seen].sort()).toEqual([...flood.claimIds].sort());

      // Back to the start, and a cursor the server never issued is a plain 400.
      await page.getByRole('link', { name: 'First page' }).click();
      await page.waitForURL((url) => !url.searchParams.has('after'));
      expect(await page.locator('table.queue tbody tr').count()).toBe(25);
      const forged = await context.request.get(`${d.desk.apiUrl}/console/queue?tab=decide&after=bogus`);
      expect(forged.status()).toBe(400);
    } finally {
      await context.close();
      await d.db.query('DELETE FROM claim_deadlines WHERE claim_id = ANY ($1)', [flood.claimIds]);
      await d.db.query('DELETE FROM claims WHERE id = ANY ($1)', [flood.claimIds]);
    }
  });
});
