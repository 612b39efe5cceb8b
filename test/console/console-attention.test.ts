import type { Browser } from 'playwright-core';
import { ulid } from 'ulid';
import { KEYS, startDesk, type Desk } from '../integration/desk-harness';
import { insertPreRangeRequests } from '../support/pre-range-ledger';
import { expectText, launchBrowser, signIn, waitForStatus } from './console-harness';

let d: Desk;
let browser: Browser;

beforeAll(async () => {
  [d, browser] = await Promise.all([startDesk(), launchBrowser()]);
});

afterAll(async () => {
  await browser?.close();
  await d?.close();
});

/** A claim stopped by an overflow: two ledger rows of 2^53−1 from before the range check. */
async function stoppedClaim(): Promise<{ claimId: string; ids: string[] }> {
  const accountId = `acct_${ulid()}`;
  const email = `${accountId.toLowerCase()}@customer.example`;
  await d.call('PUT', `/v1/accounts/${accountId}`, { bearer: KEYS.operator, body: { email, policyId: 'pixazo-api' } });
  const ids = [`${accountId}_a`, `${accountId}_b`];
  await insertPreRangeRequests(d.db, accountId, ids, String(Number.MAX_SAFE_INTEGER));
  const res = await d.call('POST', '/v1/claims', { body: { accountId, reason: 'failed_request', requestIds: ids } });
  expect(res.status).toBe(202);
  await waitForStatus(d, res.body.claimId, 'needs_attention', 60_000);
  return { claimId: res.body.claimId, ids };
}

describe('a claim that needs attention, in the console', () => {
  it('is in its own queue tab with the error, and a lead retries it from the case page once the cause is fixed', async () => {
    const { claimId, ids } = await stoppedClaim();
    const { page, cspViolations } = await signIn(browser, d, 'lead');

    await page.getByRole('link', { name: /Needs attention/ }).click();
    const row = page.locator('tr', { has: page.getByRole('link', { name: claimId }) });
    await row.waitFor();
    await expectText(row, /needs attention/i);
    await expectText(row, /MoneyOverflow: .*exact integer range/);

    await row.getByRole('link', { name: claimId }).click();
    const section = page.locator('#attention-error');
    await expectText(section, /MoneyOverflow in openEvidenceCheck/);
    await expectText(section, /while checking/);

    await d.db.query('UPDATE usage_requests SET amount_minor = 120 WHERE request_id = ANY($1)', [ids]);
    await page.getByLabel('Why (recorded in the timeline)').fill('the platform corrected the two amounts');
    await page.getByRole('button', { name: 'Retry from the start' }).click();
    await expectText(page.locator('body'), /Retried\. The claim is now received/);
    await waitForStatus(d, claimId, 'closed', 60_000);
    expect(cspViolations).toEqual([]);
  });
});
