import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import { ulid } from 'ulid';
import { createActivities } from '../../activities';
import type { Mailer } from '../../adapters/mailer';
import type { PaymentGateway } from '../../adapters/payments';
import { createDb, withTransaction, type Db } from '../../db';
import { insertClaim } from '../../db/claims';
import { grantCredits } from '../../db/credits';
import { migrate } from '../../db/migrate';
import { PolicyStore } from '../../db/policies';
import type { GrantKind } from '../../domain/credits';
import { DEFAULT_POLICY_DIR } from '../../domain/policy';
import { createApp } from '../../server/app';
import { hashKey } from '../../server/auth';
import { createLogger } from '../../wiring/logger';
import { createTestDatabase, type TestDatabase } from '../support/db';

/** A pack identical to APIAny's except that termination does not forfeit credits. */
export const KEEPS_CREDITS = 'keeps-credits';

export const KEYS = { operator: 'cr-operator-key', agent: 'cr-agent-key' } as const;

/** The four real packs plus KEEPS_CREDITS, in a temporary policies folder. */
function policiesDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'refund-desk-credits-'));
  for (const file of readdirSync(DEFAULT_POLICY_DIR).filter((f) => f.endsWith('.json'))) {
    writeFileSync(path.join(dir, file), readFileSync(path.join(DEFAULT_POLICY_DIR, file)));
  }
  const apiany = JSON.parse(readFileSync(path.join(DEFAULT_POLICY_DIR, 'apiany.json'), 'utf8'));
  apiany.id = KEEPS_CREDITS;
  apiany.creditExpiry.onTermination = {
    forfeited: false,
    clause: 'test',
    quote: 'Credits survive termination.',
  };
  writeFileSync(path.join(dir, `${KEEPS_CREDITS}.json`), JSON.stringify(apiany));
  return dir;
}

const silentMailer: Mailer = { send: async () => 'test-message-id' };
const noPayments: PaymentGateway = { requestRefund: async () => ({ processorReference: null }) };

export interface CreditWorld {
  db: Db;
  policies: PolicyStore;
  activities: ReturnType<typeof createActivities>;
  newAccount(policyId: string, options?: { currency?: string }): Promise<string>;
  newClaim(accountId: string): Promise<string>;
  /** A grant made directly through db/credits (the HTTP route and issueCredit do the same). */
  grant(
    accountId: string,
    kind: GrantKind,
    amountMinor: number,
    grantedAt: Date,
    options?: { currency?: string; source?: string },
  ): Promise<string>;
  /** The product's HTTP API on this database (no Temporal needed for these routes). */
  http(): Promise<Http>;
  close(): Promise<void>;
}

export interface Http {
  call(
    method: string,
    urlPath: string,
    options?: { body?: unknown; bearer?: string; headers?: Record<string, string> },
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- responses are asserted field by field
  ): Promise<{ status: number; body: any }>;
}

export async function creditWorld(): Promise<CreditWorld> {
  const database: TestDatabase = await createTestDatabase('refund_desk_credits');
  const db = createDb(database.url, 8);
  await migrate(db);
  const dir = policiesDir();
  const policies = await PolicyStore.open(db, dir);
  const activities = createActivities({
    db,
    policies,
    mailer: silentMailer,
    payments: noPayments,
    staffMailboxes: { lead: 'lead@test.example', finance: 'finance@test.example' },
  });
  for (const [role, key] of Object.entries(KEYS)) {
    await db.query('INSERT INTO staff_keys (key_hash, name, role) VALUES ($1, $2, $3)', [
      hashKey(key),
      `cr-${role}`,
      role,
    ]);
  }
  let server: Server | undefined;
  let http: Http | undefined;

  const world: CreditWorld = {
    db,
    policies,
    activities,
    async newAccount(policyId, options = {}) {
      const id = `acct_${ulid()}`;
      await db.query('INSERT INTO accounts (id, email, policy_id, currency) VALUES ($1, $2, $3, $4)', [
        id,
        `${id.toLowerCase()}@customer.example`,
        policyId,
        options.currency ?? 'USD',
      ]);
      return id;
    },
    async newClaim(accountId) {
      const { rows } = await db.query<{ policy_id: string }>('SELECT policy_id FROM accounts WHERE id = $1', [
        accountId,
      ]);
      const policy = policies.current(rows[0]!.policy_id)!;
      const id = `clm_${ulid()}`;
      await insertClaim(db, {
        id,
        accountId,
        policyId: policy.id,
        policyVersion: policy.version,
        channel: 'api',
        reason: 'failed_request',
        requestIds: [],
        transactionId: null,
        invoiceNumber: null,
        explanation: 'test',
        evidence: [],
        idempotencyKey: null,
        requestFingerprint: null,
        submittedAt: new Date(),
      });
      return id;
    },
    async grant(accountId, kind, amountMinor, grantedAt, options = {}) {
      const { rows } = await db.query<{ policy_id: string; currency: string }>(
        'SELECT policy_id, currency FROM accounts WHERE id = $1',
        [accountId],
      );
      const policy = policies.current(rows[0]!.policy_id)!;
      const { grant } = await withTransaction(db, (tx) =>
        grantCredits(tx, {
          accountId,
          kind,
          amount: { amountMinor, currency: options.currency ?? rows[0]!.currency },
          source: options.source ?? `platform:${ulid()}`,
          grantedAt,
          policy,
          actor: 'test',
          why: 'test grant',
        }),
      );
      return grant.id;
    },
    async http() {
      if (http) return http;
      const app = createApp({
        db,
        policies,
        logger: createLogger('silent'),
        taskQueue: 'unused',
        claimTokenSecret: 'test-secret-0123456789',
        temporal: {} as Client, // the credit and ledger routes never reach Temporal
      });
      server = await new Promise<Server>((resolve) => {
        const s = app.listen(0, '127.0.0.1', () => resolve(s));
      });
      const address = server.address();
      const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
      http = {
        async call(method, urlPath, options = {}) {
          const headers: Record<string, string> = { ...options.headers };
          if (options.body !== undefined) headers['content-type'] = 'application/json';
          if (options.bearer) headers.authorization = `Bearer ${options.bearer}`;
          const res = await fetch(`${base}${urlPath}`, {
            method,
            headers,
            body: options.body === undefined ? undefined : JSON.stringify(options.body),
          });
          const text = await res.text();
          return { status: res.status, body: text ? JSON.parse(text) : undefined };
        },
      };
      return http;
    },
    async close() {
      if (server) await new Promise<void>((resolve) => server!.close(() => resolve()));
      await db.end();
      await database.drop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return world;
}

/** The ledger's books for an account: movement sums, grant remainders and the view, per currency. */
export async function books(db: Db, accountId: string) {
  const { rows } = await db.query<{ currency: string; movements: string; remaining: string; view: string | null }>(
    `SELECT g.currency,
            (SELECT coalesce(sum(m.amount_minor), 0) FROM credit_movements m WHERE m.account_id = $1 AND m.currency = g.currency) AS movements,
            sum(g.remaining_minor) AS remaining,
            (SELECT b.balance_minor FROM credit_balances b WHERE b.account_id = $1 AND b.currency = g.currency) AS view
       FROM credit_grants g WHERE g.account_id = $1 GROUP BY g.currency ORDER BY g.currency`,
    [accountId],
  );
  return rows.map((r) => ({
    currency: r.currency,
    movements: Number(r.movements),
    remaining: Number(r.remaining),
    view: Number(r.view ?? 0),
  }));
}

export async function remainingOf(db: Db, grantId: string): Promise<number> {
  const { rows } = await db.query<{ remaining_minor: string }>(
    'SELECT remaining_minor FROM credit_grants WHERE id = $1',
    [grantId],
  );
  return Number(rows[0]!.remaining_minor);
}

export const DAY = 86_400_000;
