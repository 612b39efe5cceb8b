import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createDb, type Db } from '../../db';
import { insertClaim } from '../../db/claims';
import { migrate } from '../../db/migrate';
import { PolicyStore } from '../../db/policies';
import { creditExpiresAt, expiryRuleFor } from '../../domain/credits';
import { createTestDatabase, type TestDatabase } from '../support/db';

let database: TestDatabase;
let db: Db;

beforeAll(async () => {
  database = await createTestDatabase('refund_desk_credits_mig');
  db = createDb(database.url, 2);
});

afterAll(async () => {
  await db?.end();
  await database?.drop();
});

describe('002_credits_ledger on a database with credits already issued', () => {
  it('backfills one grant and one movement per issued credit, with expiry from the pinned pack', async () => {
    // The database as it was before the credits ledger: only 001 applied.
    await db.query(
      'CREATE TABLE schema_migrations (name TEXT PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())',
    );
    await db.query(readFileSync(path.join(__dirname, '../../db/migrations/001_spine.sql'), 'utf8'));
    await db.query(`INSERT INTO schema_migrations (name) VALUES ('001_spine.sql')`);
    const policies = await PolicyStore.open(db, path.join(__dirname, '../../policies'));

    const cases = [
      { policyId: 'pixazo-api', kind: 'claim', issuedAt: '2026-01-31T15:30:00.123456Z' },
      { policyId: 'imaginator', kind: 'service', issuedAt: '2026-03-31T20:00:00Z' },
      { policyId: 'apiany', kind: 'claim', issuedAt: '2026-05-05T05:05:05Z' },
    ] as const;
    for (const [i, c] of cases.entries()) {
      const policy = policies.current(c.policyId)!;
      await db.query(`INSERT INTO accounts (id, email, policy_id) VALUES ($1, $2, $3)`, [
        `acct_${i}`,
        `${i}@c.example`,
        c.policyId,
      ]);
      await insertClaim(db, {
        id: `clm_${i}`,
        accountId: `acct_${i}`,
        policyId: policy.id,
        policyVersion: policy.version,
        channel: 'api',
        reason: 'failed_request',
        requestIds: [],
        transactionId: null,
        invoiceNumber: null,
        explanation: null,
        evidence: [],
        idempotencyKey: null,
        requestFingerprint: null,
        submittedAt: new Date(c.issuedAt),
      });
      await db.query(
        `INSERT INTO credits_issued (claim_id, account_id, amount_minor, currency, kind, idempotency_key, created_at)
         VALUES ($1, $2, 250, 'USD', $3, $4, $5)`,
        [`clm_${i}`, `acct_${i}`, c.kind, `claim:clm_${i}:credit`, c.issuedAt],
      );
    }

    expect(await migrate(db)).toContain('002_credits_ledger.sql');

    for (const [i, c] of cases.entries()) {
      const { rows } = await db.query<{
        kind: string;
        remaining_minor: string;
        expires_at: Date | null;
        source: string;
        granted_at: Date;
      }>('SELECT kind, remaining_minor, expires_at, source, granted_at FROM credit_grants WHERE account_id = $1', [
        `acct_${i}`,
      ]);
      expect(rows).toHaveLength(1);
      const pack = policies.current(c.policyId)!.pack;
      const expected = creditExpiresAt(expiryRuleFor(pack, c.kind)!, new Date(c.issuedAt), pack.calendar.timeZone);
      expect(rows[0]).toMatchObject({ kind: c.kind, remaining_minor: '250', source: `claim:clm_${i}` });
      // Same instant as the application computes (to the millisecond; PostgreSQL keeps microseconds).
      expect(rows[0]!.expires_at?.getTime() ?? null).toBe(expected ? Math.floor(expected.getTime()) : null);
      const issued = await db.query('SELECT expires_at FROM credits_issued WHERE claim_id = $1', [`clm_${i}`]);
      expect(issued.rows[0].expires_at?.getTime() ?? null).toBe(rows[0]!.expires_at?.getTime() ?? null);
    }
    const movements = await db.query(`SELECT account_id, kind, amount_minor FROM credit_movements ORDER BY account_id`);
    expect(movements.rows).toEqual(
      cases.map((_, i) => ({ account_id: `acct_${i}`, kind: 'grant', amount_minor: '250' })),
    );
  });
});
