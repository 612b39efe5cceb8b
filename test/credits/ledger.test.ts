import { MockActivityEnvironment } from '@temporalio/testing';
import type { Decision } from '../../common/claim';
import { consumeCredits } from '../../db/credits';
import type { CreditIssued } from '../../activities/remedies';
import { CreditRefusal, type ExpiryResult, type GrantKind } from '../../domain/credits';
import { books, creditWorld, DAY, remainingOf, type CreditWorld } from './credits-harness';

let world: CreditWorld;
const activity = new MockActivityEnvironment();

beforeAll(async () => {
  world = await creditWorld();
});

afterAll(async () => {
  await world?.close();
});

const usd = (amountMinor: number) => ({ amountMinor, currency: 'USD' });
const NOW = new Date('2026-06-15T12:00:00Z');

async function movementCount(accountId: string): Promise<number> {
  const { rows } = await world.db.query<{ n: string }>(
    'SELECT count(*) AS n FROM credit_movements WHERE account_id = $1',
    [accountId],
  );
  return Number(rows[0]!.n);
}

/** Small deterministic PRNG (mulberry32), so a failing sequence can be replayed from its seed. */
function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  return {
    next,
    int: (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1)),
    pick: <T>(xs: readonly T[]) => xs[Math.floor(next() * xs.length)]!,
  };
}

interface ModelGrant {
  id: string;
  accountId: string;
  currency: string;
  remaining: number;
  expiresAt: number | null;
  grantedAt: number;
}

describe('the credits ledger invariants', () => {
  it.each([1, 7, 42, 2026])(
    'keeps balance = sum(movements) = sum(remaining) through a random sequence (seed %i)',
    async (seed) => {
      const rnd = prng(seed);
      // Mixed expiry rules: pixazo-api 365/90 days, sora2-api 12 months, imaginator never/12 months, apiany never.
      const accounts = await Promise.all(
        ['pixazo-api', 'sora2-api', 'imaginator', 'apiany'].map((p) => world.newAccount(p)),
      );
      const model: ModelGrant[] = [];
      const usedKeys = new Map<string, { accountId: string; amountMinor: number; currency: string }>();
      let now = NOW.getTime();
      let refusedConsumes = 0;
      let expiredRuns = 0;
      let multiGrantConsumes = 0;

      for (let step = 0; step < 80; step++) {
        now += rnd.int(1, 10 * 24) * 3_600_000;
        const accountId = rnd.pick(accounts);
        const currency = rnd.next() < 0.8 ? 'USD' : 'EUR';
        const roll = rnd.next();
        if (roll < 0.4) {
          const kind = rnd.pick<GrantKind>(['purchased', 'promotional', 'claim', 'service']);
          const grantedAt = now - rnd.int(0, 120) * DAY;
          const amountMinor = rnd.int(1, 5000);
          try {
            const id = await world.grant(accountId, kind, amountMinor, new Date(grantedAt), { currency });
            const { rows } = await world.db.query<{ expires_at: Date | null }>(
              'SELECT expires_at FROM credit_grants WHERE id = $1',
              [id],
            );
            model.push({
              id,
              accountId,
              currency,
              remaining: amountMinor,
              expiresAt: rows[0]!.expires_at?.getTime() ?? null,
              grantedAt,
            });
          } catch (err) {
            // sora2-api has no promotional credits: refused, nothing written.
            expect(err).toBeInstanceOf(CreditRefusal);
            expect((err as CreditRefusal).code).toBe('not_granted_by_policy');
          }
        } else if (roll < 0.75) {
          const reuse = usedKeys.size > 0 && rnd.next() < 0.15;
          const key = reuse ? rnd.pick([...usedKeys.keys()]) : `k-${seed}-${step}`;
          const previous = usedKeys.get(key);
          const target = previous?.accountId ?? accountId;
          const amount =
            previous && rnd.next() < 0.7
              ? { amountMinor: previous.amountMinor, currency: previous.currency }
              : { amountMinor: rnd.int(1, 4000), currency };
          const live = model
            .filter(
              (g) =>
                g.accountId === target &&
                g.currency === amount.currency &&
                g.remaining > 0 &&
                (g.expiresAt === null || g.expiresAt > now),
            )
            .sort(
              (a, b) =>
                (a.expiresAt ?? Infinity) - (b.expiresAt ?? Infinity) ||
                a.grantedAt - b.grantedAt ||
                (a.id < b.id ? -1 : 1),
            );
          const available = live.reduce((s, g) => s + g.remaining, 0);
          const attempt = consumeCredits(world.db, target, amount, key, 'usage', { at: new Date(now) });
          if (previous) {
            if (previous.amountMinor === amount.amountMinor && previous.currency === amount.currency) {
              expect((await attempt).replayed).toBe(true);
            } else {
              await expect(attempt).rejects.toMatchObject({ code: 'idempotency_conflict' });
            }
          } else if (available < amount.amountMinor) {
            await expect(attempt).rejects.toMatchObject({ code: 'insufficient_credits' });
            refusedConsumes += 1;
          } else {
            const result = await attempt;
            let left = amount.amountMinor;
            const expected: { grantId: string; amountMinor: number }[] = [];
            for (const g of live) {
              if (!left) break;
              const take = Math.min(left, g.remaining);
              g.remaining -= take;
              left -= take;
              expected.push({ grantId: g.id, amountMinor: take });
            }
            expect(result.parts).toEqual(expected);
            if (expected.length > 1) multiGrantConsumes += 1;
            usedKeys.set(key, { accountId: target, ...amount });
          }
        } else {
          const asOf = new Date(now).toISOString();
          const runs = rnd.next() < 0.3 ? 2 : 1;
          for (let i = 0; i < runs; i++) await activity.run(world.activities.expireCredits, { asOf });
          for (const g of model) if (g.expiresAt !== null && g.expiresAt <= now) g.remaining = 0;
          expiredRuns += 1;
        }

        for (const accountId of accounts) {
          const { rows } = await world.db.query<{ id: string; remaining_minor: string }>(
            'SELECT id, remaining_minor FROM credit_grants WHERE account_id = $1 ORDER BY id',
            [accountId],
          );
          const expected = model.filter((g) => g.accountId === accountId).sort((a, b) => (a.id < b.id ? -1 : 1));
          expect(rows.map((r) => [r.id, Number(r.remaining_minor)])).toEqual(expected.map((g) => [g.id, g.remaining]));
          for (const b of await books(world.db, accountId)) {
            expect(b.movements).toBe(b.remaining);
            expect(b.view).toBe(b.remaining);
            expect(b.remaining).toBe(
              expected.filter((g) => g.currency === b.currency).reduce((s, g) => s + g.remaining, 0),
            );
            expect(b.remaining).toBeGreaterThanOrEqual(0);
          }
        }
      }
      // The sequence exercised every branch (otherwise the seed proves little).
      expect(model.length).toBeGreaterThan(5);
      expect(usedKeys.size + refusedConsumes).toBeGreaterThan(5);
      expect(expiredRuns).toBeGreaterThan(3);
      expect(multiGrantConsumes).toBeGreaterThan(2);
    },
  );

  it('refuses to consume more than the balance and changes nothing', async () => {
    const accountId = await world.newAccount('pixazo-api');
    const grant = await world.grant(accountId, 'purchased', 1000, new Date(Date.now() - DAY));
    const before = await movementCount(accountId);
    await expect(consumeCredits(world.db, accountId, usd(1001), 'too-much', 'usage')).rejects.toMatchObject({
      code: 'insufficient_credits',
      details: { availableMinor: 1000, requestedMinor: 1001 },
    });
    expect(await movementCount(accountId)).toBe(before);
    expect(await remainingOf(world.db, grant)).toBe(1000);
    // The same key may be used once the credit is there.
    expect((await consumeCredits(world.db, accountId, usd(1000), 'too-much', 'usage')).replayed).toBe(false);
    expect(await books(world.db, accountId)).toEqual([{ currency: 'USD', movements: 0, remaining: 0, view: 0 }]);
  });

  it('never goes negative when consumers race for the same credit', async () => {
    const accountId = await world.newAccount('pixazo-api');
    await world.grant(accountId, 'purchased', 600, new Date(Date.now() - DAY));
    await world.grant(accountId, 'promotional', 400, new Date(Date.now() - DAY));
    const results = await Promise.allSettled(
      Array.from({ length: 10 }, (_, i) => consumeCredits(world.db, accountId, usd(150), `race-${i}`, 'usage')),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(6);
    expect(results.filter((r) => r.status === 'rejected').map((r) => (r as PromiseRejectedResult).reason.code)).toEqual(
      Array(4).fill('insufficient_credits'),
    );
    expect(await books(world.db, accountId)).toEqual([{ currency: 'USD', movements: 100, remaining: 100, view: 100 }]);
  });

  it('consumes the soonest-expiring grant first and never-expiring credit last', async () => {
    // pixazo-api: purchased credits expire after 365 days, promotional after 90.
    const pixazo = await world.newAccount('pixazo-api');
    const old = await world.grant(pixazo, 'purchased', 300, new Date(NOW.getTime() - 300 * DAY)); // expires in 65 days
    const fresh = await world.grant(pixazo, 'purchased', 300, new Date(NOW.getTime() - DAY)); // in 364 days
    const promo = await world.grant(pixazo, 'promotional', 300, new Date(NOW.getTime() - 10 * DAY)); // in 80 days
    const used = await consumeCredits(world.db, pixazo, usd(700), 'k1', 'usage', { at: NOW });
    expect(used.parts).toEqual([
      { grantId: old, amountMinor: 300 },
      { grantId: promo, amountMinor: 300 },
      { grantId: fresh, amountMinor: 100 },
    ]);

    // imaginator: purchased credit never expires, a service credit does (12 months), so it goes first though newer.
    const imaginator = await world.newAccount('imaginator');
    const forever = await world.grant(imaginator, 'purchased', 500, new Date(NOW.getTime() - 100 * DAY));
    const service = await world.grant(imaginator, 'service', 200, new Date(NOW.getTime() - DAY));
    const spent = await consumeCredits(world.db, imaginator, usd(250), 'k1', 'usage', { at: NOW });
    expect(spent.parts).toEqual([
      { grantId: service, amountMinor: 200 },
      { grantId: forever, amountMinor: 50 },
    ]);
  });

  it('does not spend a grant past its expiry that the expiry run has not reached yet', async () => {
    const accountId = await world.newAccount('pixazo-api');
    await world.grant(accountId, 'promotional', 500, new Date(NOW.getTime() - 91 * DAY));
    await expect(consumeCredits(world.db, accountId, usd(1), 'k', 'usage', { at: NOW })).rejects.toMatchObject({
      code: 'insufficient_credits',
      details: { availableMinor: 0 },
    });
  });

  it('is idempotent by key: a retry returns the first result, a different amount is refused', async () => {
    const accountId = await world.newAccount('apiany');
    await world.grant(accountId, 'purchased', 1000, new Date(Date.now() - DAY));
    const first = await consumeCredits(world.db, accountId, usd(400), 'req-1', 'usage');
    const again = await consumeCredits(world.db, accountId, usd(400), 'req-1', 'usage');
    expect(again).toEqual({ ...first, replayed: true });
    await expect(consumeCredits(world.db, accountId, usd(300), 'req-1', 'usage')).rejects.toMatchObject({
      code: 'idempotency_conflict',
    });
    expect(await books(world.db, accountId)).toEqual([{ currency: 'USD', movements: 600, remaining: 600, view: 600 }]);
  });
});

describe('expiry', () => {
  it('expires a grant past its expiry once, however often the activity runs', async () => {
    const accountId = await world.newAccount('pixazo-api');
    const expired = await world.grant(accountId, 'promotional', 700, new Date(NOW.getTime() - 100 * DAY)); // expired 10 days ago
    const partlyUsed = await world.grant(accountId, 'purchased', 500, new Date(NOW.getTime() - 366 * DAY)); // expired yesterday
    const live = await world.grant(accountId, 'purchased', 300, new Date(NOW.getTime() - DAY));
    await consumeCredits(world.db, accountId, usd(200), 'before-expiry', 'usage', {
      at: new Date(NOW.getTime() - 30 * DAY),
    });
    const asOf = NOW.toISOString();

    const first: ExpiryResult = await activity.run(world.activities.expireCredits, { asOf });
    const second: ExpiryResult = await activity.run(world.activities.expireCredits, { asOf });
    const mine = await world.db.query<{ grant_id: string; amount_minor: string; why: string }>(
      `SELECT grant_id, amount_minor, why FROM credit_movements WHERE account_id = $1 AND kind = 'expire' ORDER BY grant_id`,
      [accountId],
    );
    expect(mine.rows.map((r) => [r.grant_id, Number(r.amount_minor)]).sort()).toEqual(
      [
        [expired, -500],
        [partlyUsed, -500],
      ].sort(), // the 200 consumed came from the soonest-expiring (promotional) grant
    );
    expect(mine.rows.find((r) => r.grant_id === partlyUsed)?.why).toContain('§4.2');
    expect(first.expiredGrants).toBeGreaterThanOrEqual(2);
    expect(second.expiredGrants).toBe(0);
    expect(await remainingOf(world.db, live)).toBe(300);
    expect(await books(world.db, accountId)).toEqual([{ currency: 'USD', movements: 300, remaining: 300, view: 300 }]);
  });

  it('never expires APIAny credits', async () => {
    const accountId = await world.newAccount('apiany');
    const grant = await world.grant(accountId, 'purchased', 900, new Date('2016-01-01T00:00:00Z'));
    await activity.run(world.activities.expireCredits, { asOf: '2099-01-01T00:00:00Z' });
    expect(await remainingOf(world.db, grant)).toBe(900);
    const { rows } = await world.db.query('SELECT expires_at FROM credit_grants WHERE id = $1', [grant]);
    expect(rows).toEqual([{ expires_at: null }]);
  });
});

describe('issueCredit writes the ledger', () => {
  const decision = (remedy: Decision['remedy'], amountMinor: number): Decision => ({
    outcome: 'approved',
    amount: usd(amountMinor),
    remedy,
    reasons: [],
    arithmetic: [],
    findings: [],
    decidedBy: { type: 'system', id: 'policy-engine' },
    policy: { id: 'x', version: 'x' },
  });

  it('makes one claim grant however often and concurrently it is retried, expiring under the pinned pack', async () => {
    const accountId = await world.newAccount('pixazo-api');
    const claimId = await world.newClaim(accountId);
    const issue = (): Promise<CreditIssued> =>
      activity.run(world.activities.issueCredit, { claimId, decision: decision('credit', 300) });
    const runs = [...(await Promise.all(Array.from({ length: 5 }, issue))), await issue()];
    expect(new Set(runs.map((r) => r.creditId)).size).toBe(1);
    const grants = await world.db.query<{
      id: string;
      kind: string;
      amount_minor: string;
      granted_at: Date;
      expires_at: Date;
      source: string;
    }>('SELECT id, kind, amount_minor, granted_at, expires_at, source FROM credit_grants WHERE account_id = $1', [
      accountId,
    ]);
    expect(grants.rows).toHaveLength(1);
    const g = grants.rows[0]!;
    expect(g).toMatchObject({ kind: 'claim', amount_minor: '300', source: `claim:${claimId}` });
    // pixazo-api remedy credits expire 365 calendar days (New York) after issue.
    const days = (g.expires_at.getTime() - g.granted_at.getTime()) / DAY;
    expect(days).toBeGreaterThan(364.9);
    expect(days).toBeLessThan(365.1);
    const issued = await world.db.query('SELECT expires_at FROM credits_issued WHERE claim_id = $1', [claimId]);
    expect(issued.rows).toEqual([{ expires_at: g.expires_at }]);
    const movements = await world.db.query('SELECT kind, amount_minor FROM credit_movements WHERE grant_id = $1', [
      g.id,
    ]);
    expect(movements.rows).toEqual([{ kind: 'grant', amount_minor: '300' }]);
  });

  it('grants a service credit as kind service (imaginator: 12 months)', async () => {
    const accountId = await world.newAccount('imaginator');
    const claimId = await world.newClaim(accountId);
    await activity.run(world.activities.issueCredit, { claimId, decision: decision('service_credit', 450) });
    const { rows } = await world.db.query<{ kind: string; granted_at: Date; expires_at: Date }>(
      'SELECT kind, granted_at, expires_at FROM credit_grants WHERE account_id = $1',
      [accountId],
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]!.kind).toBe('service');
    const months = (rows[0]!.expires_at.getTime() - rows[0]!.granted_at.getTime()) / DAY;
    expect(months).toBeGreaterThanOrEqual(364.9);
    expect(months).toBeLessThanOrEqual(366.1);
  });
});

describe('the tables protect themselves', () => {
  it('refuses to update or delete movements, and to touch grants except through movements', async () => {
    const accountId = await world.newAccount('pixazo-api');
    const grant = await world.grant(accountId, 'purchased', 100, new Date(Date.now() - DAY));
    await expect(
      world.db.query('UPDATE credit_movements SET amount_minor = 1000 WHERE grant_id = $1', [grant]),
    ).rejects.toThrow('append-only');
    await expect(world.db.query('DELETE FROM credit_movements WHERE grant_id = $1', [grant])).rejects.toThrow(
      'append-only',
    );
    await expect(world.db.query('TRUNCATE credit_movements CASCADE')).rejects.toThrow('append-only');
    await expect(
      world.db.query('UPDATE credit_grants SET remaining_minor = 5000 WHERE id = $1', [grant]),
    ).rejects.toThrow('only through credit_movements');
    await expect(world.db.query('DELETE FROM credit_grants WHERE id = $1', [grant])).rejects.toThrow('never deleted');
    // An overdraft written straight into the journal is refused by the grant's CHECK.
    await expect(
      world.db.query(
        `INSERT INTO credit_movements (account_id, grant_id, kind, amount_minor, currency, actor, why, operation, idempotency_key)
         VALUES ($1, $2, 'consume', -101, 'USD', 'test', 'overdraft', 'x', 'overdraft-test')`,
        [accountId, grant],
      ),
    ).rejects.toThrow(/check constraint/);
    // A movement cannot name another account's grant.
    const other = await world.newAccount('pixazo-api');
    await expect(
      world.db.query(
        `INSERT INTO credit_movements (account_id, grant_id, kind, amount_minor, currency, actor, why, operation, idempotency_key)
         VALUES ($1, $2, 'consume', -1, 'USD', 'test', 'wrong account', 'x', 'wrong-account-test')`,
        [other, grant],
      ),
    ).rejects.toThrow(/foreign key/);
    expect(await remainingOf(world.db, grant)).toBe(100);
  });
});
