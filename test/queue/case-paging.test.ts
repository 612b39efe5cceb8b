import { ulid } from 'ulid';
import { waitForStatus } from '../console/console-harness';
import { KEYS, startDesk, type Desk } from '../integration/desk-harness';
import { createTestDatabase, type TestDatabase } from '../support/db';
import { floodAccount } from './queue-flood';

let testDb: TestDatabase;
let d: Desk;

// A database of its own: "every case exactly once" is asserted over the whole list.
beforeAll(async () => {
  testDb = await createTestDatabase('refund_desk_paging');
  d = await startDesk({ DATABASE_URL: testDb.url });
});

afterAll(async () => {
  await d?.close();
  await testDb?.drop();
});

interface Listed {
  claimId: string;
  accountId: string;
  status: string;
  nextDueAt: string | null;
}

/** Follows `next` from the first page to the last, returning every case in the order the pages gave them. */
async function everyCase(query: string, limit: number): Promise<{ cases: Listed[]; pages: number }> {
  const cases: Listed[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const page = await d.call(
      'GET',
      `/v1/cases?limit=${limit}${query}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      { bearer: KEYS.agent },
    );
    expect(page.status).toBe(200);
    expect(page.body.cases.length).toBeLessThanOrEqual(limit);
    cases.push(...page.body.cases);
    cursor = page.body.next;
    // A cursor that comes round again would page forever; fail at once instead of at the test's timeout.
    if (++pages > 200) throw new Error(`still paging after ${pages} pages of ${limit}`);
  } while (cursor);
  return { cases, pages };
}

/** Soonest due first, cases without a running deadline last (ties go by id, at microseconds JSON does not show). */
function isInDueOrder(cases: Listed[]): boolean {
  const due = (c: Listed) => (c.nextDueAt === null ? Infinity : Date.parse(c.nextDueAt));
  return cases.every((c, i) => i === 0 || due(cases[i - 1]!) <= due(c));
}

/** A real claim submitted through the API after the flood, on an account of its own. */
async function realClaim(): Promise<{ claimId: string; accountId: string }> {
  const accountId = `acct_${ulid()}`;
  await d.call('PUT', `/v1/accounts/${accountId}`, {
    bearer: KEYS.operator,
    body: { email: `${accountId.toLowerCase()}@customer.example`, policyId: 'pixazo-api' },
  });
  const at = new Date(Date.now() - 86_400_000).toISOString();
  const fed = await d.call('POST', '/v1/usage/requests', {
    bearer: KEYS.operator,
    body: {
      records: [
        {
          requestId: `${accountId}_a`,
          accountId,
          endpoint: '/v1/videos/generate',
          model: 'vid-1',
          httpStatus: 502,
          outcome: 'error',
          amountMinor: 12_000,
          currency: 'USD',
          outputDelivered: false,
          startedAt: at,
          completedAt: at,
        },
      ],
    },
  });
  expect(fed.status).toBe(200);
  const submitted = await d.call('POST', '/v1/claims', {
    body: { accountId, reason: 'failed_request', requestIds: [`${accountId}_a`], explanation: 'The render failed.' },
  });
  expect(submitted.status).toBe(202);
  // $120 is above the automatic limit (§5.3): the claim settles in review, so its due time holds still while paged.
  await waitForStatus(d, submitted.body.claimId, 'in_review');
  return { claimId: submitted.body.claimId as string, accountId };
}

describe('GET /v1/cases pages with a cursor, soonest due first', () => {
  let flood: { accountId: string; claimIds: string[] };
  let real: { claimId: string; accountId: string };

  beforeAll(async () => {
    // More than the old fixed 500, so a list without paging could never show the real claim that follows.
    flood = await floodAccount(d, 640, new Date(Date.now() + 3 * 86_400_000).toISOString());
    real = await realClaim();
  });

  it('reaches every case exactly once by following next, in due-time order with ties broken by id', async () => {
    const { cases, pages } = await everyCase('', 37);
    const ids = cases.map((c) => c.claimId);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual(expect.arrayContaining([...flood.claimIds, real.claimId]));
    expect(ids.length).toBe(flood.claimIds.length + 1);
    expect(pages).toBe(Math.ceil(ids.length / 37));
    expect(isInDueOrder(cases)).toBe(true);
    // The flood's deadlines are three days out; the real claim is either due sooner or has none, and shows either way.
    expect(cases.filter((c) => c.nextDueAt === null).length).toBeGreaterThanOrEqual(Math.floor(640 / 7));
  });

  it('finds the real claim behind the flood, and narrows by account and status across pages', async () => {
    const all = await everyCase('', 500);
    expect(all.pages).toBe(2);
    expect(all.cases.map((c) => c.claimId)).toContain(real.claimId);

    const ofReal = await everyCase(`&accountId=${real.accountId}`, 100);
    expect(ofReal.cases.map((c) => c.claimId)).toEqual([real.claimId]);

    const flooded = await everyCase(`&accountId=${flood.accountId}&status=in_review`, 100);
    expect(flooded.pages).toBe(7);
    expect(flooded.cases.map((c) => c.claimId).sort()).toEqual([...flood.claimIds].sort());
    const none = await everyCase(`&accountId=${flood.accountId}&status=closed`, 100);
    expect(none).toEqual({ cases: [], pages: 1 });
  });

  it('refuses a cursor it did not issue and a limit above 500 with a 400', async () => {
    const forged = Buffer.from(JSON.stringify({ d: "x'; DROP TABLE claims; --", i: 'clm_1' })).toString('base64url');
    for (const query of [`cursor=${forged}`, 'cursor=not-a-cursor', 'limit=501', 'limit=0']) {
      const res = await d.call('GET', `/v1/cases?${query}`, { bearer: KEYS.agent });
      expect(res.status).toBe(400);
      expect(res.body.error).toMatch(/invalid request/);
    }
  });
});
