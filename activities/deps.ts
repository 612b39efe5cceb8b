import type { Db } from '../db';
import type { PolicyStore } from '../db/policies';
import type { Mailer } from '../adapters/mailer';
import type { PaymentGateway } from '../adapters/payments';
import type { ChargebackAdapters } from './chargeback-adapters';
import type { ClaimIntakePort, MailSettings } from './mail-settings';
import type { deadlineFor } from '../domain/policy';

/** Plans one deadline from a policy's SLA (domain/policy deadlineFor); the timer benchmark swaps in its own. */
export type DeadlinePlanner = typeof deadlineFor;

/** Everything activities touch, built once by wiring/wire.ts and injected by the worker. */
export interface ActivityDeps {
  db: Db;
  mailer: Mailer;
  policies: PolicyStore;
  payments: PaymentGateway;
  staffMailboxes: { lead: string; finance: string };
  /** Dispute gateway and platform webhooks; manual and log-only when absent. */
  chargebacks?: ChargebackAdapters;
  /** The email channel: threading, reply addresses, status links, inbound mail; absent, mails go unthreaded. */
  mail?: MailSettings;
  /** The API's intake and reply paths, for claims and replies that arrive by mail. */
  claimIntake?: ClaimIntakePort;
  /** How deadlines are planned; the policy's business days (deadlineFor) when absent. */
  deadlinePlanner?: DeadlinePlanner;
}
