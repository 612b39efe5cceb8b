import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { WorkflowHandle } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import pino from 'pino';
import { ulid } from 'ulid';
import { createActivities } from '../../activities';
import { defaultChargebackAdapters, type ChargebackAdapters } from '../../activities/chargeback-adapters';
import { createSmtpMailer } from '../../adapters/mailer';
import { manualPayoutGateway } from '../../adapters/payments';
import { chargebackStateQuery, chargebackWorkflowId, type ChargebackState } from '../../common/chargeback';
import { createDb, type Db } from '../../db';
import { grantCredits } from '../../db/credits';
import { withTransaction } from '../../db';
import { migrate } from '../../db/migrate';
import { PolicyStore } from '../../db/policies';
import { chargebackIdOf, type DisputeEventKind, type DisputeFacts } from '../../domain/chargebacks';
import { startMailSink, type MailSink } from '../../mail/sink';
import { handOverEvent, type ChargebackIntakeDeps } from '../../server/chargeback-intake';
import { storeProcessorEvent } from '../../db/chargeback-inbox';
import { createTestDatabase, type TestDatabase } from '../support/db';
import { workflowBundle } from '../workflows/workflow-harness';

export const HISTORIES_DIR = path.join(__dirname, 'histories');
const HOUR = 3_600_000;

/** A disputed purchase on its own account, under one policy. */
export interface DisputedPurchase {
  accountId: string;
  transactionId: string;
  paymentReference: string;
  disputeId: string;
  chargebackId: string;
}

/** Real activities on a fresh PostgreSQL database and a real SMTP listener, driven by one Temporal environment. */
export interface ChargebackWorld {
  db: Db;
  sink: MailSink;
  policies: PolicyStore;
  taskQueue: string;
  /** Runs `body` with a fresh worker on the world's task queue (a worker runs once). */
  run<T>(body: () => Promise<T>): Promise<T>;
  waitForMail(to: string, subject: RegExp): Promise<{ subject: string; text: string }>;
  intake: ChargebackIntakeDeps;
  purchase(
    policyId: string,
    options?: { amountMinor?: number; credits?: number; matched?: boolean },
  ): Promise<DisputedPurchase>;
  /** Stores a processor event in the inbox and hands it to its workflow (signal-with-start), as intake does. */
  send(p: DisputedPurchase, kind: DisputeEventKind, options?: Partial<DisputeFacts> & { at?: Date }): Promise<string>;
  handle(p: DisputedPurchase): WorkflowHandle;
  state(p: DisputedPurchase): Promise<ChargebackState>;
  waitFor(p: DisputedPurchase, check: (s: ChargebackState) => boolean, what: string): Promise<ChargebackState>;
  waitForEvent(p: DisputedPurchase, type: string): Promise<void>;
  events(p: DisputedPurchase): Promise<{ type: string; clause: string | null; to: string | null; actor: string }[]>;
  close(): Promise<void>;
}

export async function chargebackWorld(
  env: TestWorkflowEnvironment,
  adapters?: (db: Db) => ChargebackAdapters,
): Promise<ChargebackWorld> {
  const database: TestDatabase = await createTestDatabase();
  const db = createDb(database.url, 5);
  await migrate(db);
  const policies = await PolicyStore.open(db, path.join(__dirname, '..', '..', 'policies'));
  const sink = await startMailSink({ smtpPort: 0, httpPort: 0 });
  const mailer = createSmtpMailer({ host: '127.0.0.1', port: sink.smtpPort, from: 'desk@test.example' });
  const taskQueue = `chargebacks-${ulid()}`;
  const activities = createActivities({
    db,
    policies,
    payments: manualPayoutGateway,
    mailer,
    staffMailboxes: { lead: 'lead@test.example', finance: 'finance@test.example' },
    chargebacks: adapters ? adapters(db) : defaultChargebackAdapters(db),
  });
  const bundle = await workflowBundle();
  const intake: ChargebackIntakeDeps = { db, temporal: env.client, taskQueue, logger: pino({ level: 'silent' }) };
  const seq = new Map<string, number>();

  const world: ChargebackWorld = {
    db,
    sink,
    policies,
    taskQueue,
    intake,
    async run(body) {
      // A worker runs once, and a queue keeps its poller a while after shutdown: each run gets its own queue.
      world.taskQueue = intake.taskQueue = `chargebacks-${ulid()}`;
      const worker = await Worker.create({
        connection: env.nativeConnection,
        taskQueue: world.taskQueue,
        workflowBundle: bundle,
        activities,
      });
      return worker.runUntil(body());
    },
    async waitForMail(to, subject) {
      const deadline = Date.now() + 20_000;
      for (;;) {
        const mail = sink.messages().find((m) => JSON.stringify(m.to).includes(to) && subject.test(m.subject ?? ''));
        if (mail) return { subject: mail.subject ?? '', text: mail.text ?? '' };
        if (Date.now() > deadline) throw new Error(`no mail to ${to} matching ${subject}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    async purchase(policyId, options = {}) {
      const id = ulid().toLowerCase();
      const p = {
        accountId: `acct_${id}`,
        transactionId: `txn_${id}`,
        paymentReference: `pi_${id}`,
        disputeId: `dp_${id}`,
      };
      const amount = options.amountMinor ?? 5000;
      await db.query('INSERT INTO accounts (id, email, policy_id, created_at) VALUES ($1, $2, $3, $4)', [
        p.accountId,
        `${id}@customer.example`,
        policyId,
        new Date(Date.now() - 90 * 24 * HOUR),
      ]);
      const bought = new Date(Date.now() - 48 * HOUR);
      await db.query(
        `INSERT INTO charges (transaction_id, payment_reference, account_id, amount_minor, currency, kind, created_at)
         VALUES ($1, $2, $3, $4, 'USD', 'credit_purchase', $5)`,
        [p.transactionId, p.paymentReference, p.accountId, amount, bought],
      );
      await db.query(
        `INSERT INTO usage_requests (request_id, account_id, endpoint, http_status, outcome, amount_minor, currency, output_delivered, started_at, completed_at)
         SELECT 'req_' || $1 || '_' || i, $1, '/v1/images/generate', CASE WHEN i % 10 = 0 THEN 500 ELSE 200 END,
                CASE WHEN i % 10 = 0 THEN 'error' ELSE 'success' END, 40, 'USD', i % 10 <> 0,
                $2::timestamptz + make_interval(mins => i), $2::timestamptz + make_interval(mins => i)
           FROM generate_series(1, 30) AS i`,
        [p.accountId, bought],
      );
      if (options.credits) {
        const policy = policies.current(policyId)!;
        await withTransaction(db, (tx) =>
          grantCredits(tx, {
            accountId: p.accountId,
            kind: 'purchased',
            amount: { amountMinor: options.credits!, currency: 'USD' },
            source: `charge:${p.transactionId}`,
            grantedAt: bought,
            policy,
            actor: 'test',
            why: 'credits bought with the disputed charge',
          }),
        );
      }
      const paymentReference = options.matched === false ? `pi_unknown_${id}` : p.paymentReference;
      return { ...p, paymentReference, chargebackId: chargebackIdOf('stripe', p.disputeId) };
    },
    async send(p, kind, options = {}) {
      const n = (seq.get(p.disputeId) ?? 0) + 1;
      seq.set(p.disputeId, n);
      const eventId = options.eventId ?? `evt_${p.disputeId}_${n}`;
      const { at, ...overrides } = options;
      const facts: DisputeFacts = {
        processor: 'stripe',
        eventId,
        kind,
        occurredAt: (at ?? new Date()).toISOString(),
        disputeId: p.disputeId,
        chargeRef: null,
        paymentIntentRef: p.paymentReference,
        amount: { amountMinor: 5000, currency: 'USD' },
        reason: 'fraudulent',
        processorStatus: 'needs_response',
        dueBy: new Date((await env.currentTimeMs()) + 7 * 24 * HOUR).toISOString(),
        balanceTransactions: [],
        ...overrides,
      };
      const stored = await storeProcessorEvent(db, facts, { test: true, facts });
      await handOverEvent(intake, { processor: 'stripe', eventId, chargebackId: stored.chargebackId });
      return eventId;
    },
    handle: (p) => env.client.workflow.getHandle(chargebackWorkflowId(p.chargebackId)),
    state: (p) => world.handle(p).query(chargebackStateQuery),
    async waitFor(p, check, what) {
      const deadline = Date.now() + 30_000;
      for (;;) {
        const s = await world.state(p).catch(() => undefined);
        if (s && check(s)) return s;
        if (Date.now() > deadline)
          throw new Error(`chargeback ${p.chargebackId} never reached: ${what} (last ${JSON.stringify(s)})`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    async waitForEvent(p, type) {
      const deadline = Date.now() + 20_000;
      while (!(await world.events(p)).some((e) => e.type === type)) {
        if (Date.now() > deadline) throw new Error(`chargeback ${p.chargebackId} never recorded ${type}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    async events(p) {
      const { rows } = await db.query<{
        type: string;
        clause: string | null;
        to_status: string | null;
        actor_type: string;
        actor_id: string;
      }>(
        'SELECT type, clause, to_status, actor_type, actor_id FROM chargeback_events WHERE chargeback_id = $1 ORDER BY id',
        [p.chargebackId],
      );
      return rows.map((r) => ({
        type: r.type,
        clause: r.clause,
        to: r.to_status,
        actor: `${r.actor_type}:${r.actor_id}`,
      }));
    },
    async close() {
      mailer.close?.();
      await sink.stop();
      await db.end();
      await database.drop();
    },
  };
  return world;
}

/** With RECORD_HISTORIES=1, writes each finished run's history for the replay test. */
export async function recordChargebackHistory(name: string, handle: WorkflowHandle): Promise<void> {
  if (!process.env.RECORD_HISTORIES) return;
  await mkdir(HISTORIES_DIR, { recursive: true });
  await writeFile(path.join(HISTORIES_DIR, `chargeback-${name}.json`), historyToJSON(await handle.fetchHistory()));
}
