import { MockActivityEnvironment } from '@temporalio/testing';
import { ulid } from 'ulid';
import { createActivities, type ActivityDeps, type RefundDeskActivities } from '../../activities';
import { createSmtpMailer } from '../../adapters/mailer';
import type { PaymentGateway, RefundInstruction } from '../../adapters/payments';
import type { ClaimReason, ClaimStatus, Deadline, DeadlineKind, Decision } from '../../common/claim';
import { createDb, type Db } from '../../db';
import { insertClaim } from '../../db/claims';
import { migrate } from '../../db/migrate';
import { PolicyStore } from '../../db/policies';
import { startMailSink, type MailSink } from '../../mail/sink';
import { createTestDatabase, type TestDatabase } from '../support/db';

/** An engine decision approving `amountMinor` USD cents as `remedy`, for the money steps to act on. */
export function approvedDecision(remedy: Decision['remedy'], amountMinor = 300): Decision {
  return {
    outcome: 'approved',
    amount: { amountMinor, currency: 'USD' },
    remedy,
    reasons: [],
    arithmetic: [],
    findings: [],
    decidedBy: { type: 'system', id: 'policy-engine' },
    policy: { id: 'pixazo-api', version: 'x' },
  };
}

/** A payment processor double behind the real adapter interface; it remembers every instruction. */
export class RecordingProcessor implements PaymentGateway {
  readonly instructions: RefundInstruction[] = [];
  failNext = false;

  async requestRefund(instruction: RefundInstruction) {
    this.instructions.push(instruction);
    if (this.failNext) {
      this.failNext = false;
      throw new Error('processor connection reset');
    }
    return { processorReference: `re_${instruction.idempotencyKey}` };
  }
}

export interface ActivityWorld {
  db: Db;
  sink: MailSink;
  policies: PolicyStore;
  processor: RecordingProcessor;
  /** What the activities were built from, for parts of the worker that use them outside Temporal. */
  deps: ActivityDeps;
  activities: RefundDeskActivities;
  newClaim(reason?: ClaimReason): Promise<string>;
  /** Moves the claim to `to` through the real transition activity, as a test actor. */
  moveClaim(claimId: string, to: ClaimStatus): Promise<void>;
  /** Plans deadlines counted from a day long past, so they are due before the test goes on. */
  planDueDeadlines(claimId: string, kinds: DeadlineKind[]): Promise<Deadline[]>;
  close(): Promise<void>;
}

/** A day long past: deadlines counted from it are already due. */
const LONG_AGO = '2026-10-01T15:00:00Z';

/** Real activities on a fresh PostgreSQL database and a real SMTP listener. */
export async function activityWorld(): Promise<ActivityWorld> {
  const database: TestDatabase = await createTestDatabase();
  const db = createDb(database.url, 5);
  await migrate(db);
  const policies = await PolicyStore.open(db, `${__dirname}/../../policies`);
  const sink = await startMailSink({ smtpPort: 0, httpPort: 0 });
  const mailer = createSmtpMailer({ host: '127.0.0.1', port: sink.smtpPort, from: 'desk@test.example' });
  const processor = new RecordingProcessor();
  const deps: ActivityDeps = {
    db,
    policies,
    payments: processor,
    mailer,
    staffMailboxes: { lead: 'lead@test.example', finance: 'finance@test.example' },
  };
  const activities = createActivities(deps);
  const steps = new MockActivityEnvironment();
  const pixazo = policies.current('pixazo-api')!;
  await db.query(
    `INSERT INTO accounts (id, email, policy_id) VALUES ('acct_t', 'customer@test.example', 'pixazo-api')`,
  );
  await db.query(
    `INSERT INTO charges (transaction_id, payment_reference, account_id, amount_minor, currency, kind, created_at)
     VALUES ('txn_t', 'pi_t', 'acct_t', 5000, 'USD', 'credit_purchase', now())`,
  );
  return {
    db,
    sink,
    policies,
    processor,
    deps,
    activities,
    async moveClaim(claimId, to) {
      await steps.run(activities.recordTransition, {
        claimId,
        eventKey: `test:${to}`,
        type: to,
        to,
        actor: { type: 'system' as const, id: 'test' },
        why: 'test',
      });
    },
    planDueDeadlines: (claimId, kinds) => steps.run(activities.planDeadlines, { claimId, kinds, from: LONG_AGO }),
    async newClaim(reason = 'failed_request') {
      const id = `clm_${ulid()}`;
      await insertClaim(db, {
        id,
        accountId: 'acct_t',
        policyId: pixazo.id,
        policyVersion: pixazo.version,
        channel: 'api',
        reason,
        requestIds: [],
        transactionId: 'txn_t',
        invoiceNumber: null,
        explanation: 'test',
        evidence: [],
        idempotencyKey: null,
        requestFingerprint: null,
        submittedAt: new Date('2026-11-20T20:00:00Z'),
      });
      return id;
    },
    async close() {
      mailer.close?.();
      await sink.stop();
      await db.end();
      await database.drop();
    },
  };
}

/** Registers a world for the test file: built before its tests, closed after them. */
export function useActivityWorld(): () => ActivityWorld {
  let world: ActivityWorld | undefined;
  beforeAll(async () => {
    world = await activityWorld();
  });
  afterAll(async () => {
    await world?.close();
  });
  return () => world!;
}
