import type { Db } from '../db';
import type { PolicyStore } from '../db/policies';
import type { Mailer } from './mailer';
import type { ClaimIntakePort, MailSettings } from './mail-settings';
import type { PaymentGateway } from './payments';

/** Everything activities touch, built once in the worker and injected. */
export interface ActivityDeps {
  db: Db;
  mailer: Mailer;
  policies: PolicyStore;
  payments: PaymentGateway;
  staffMailboxes: { lead: string; finance: string };
  /** The email channel: threading, reply addresses, status links, inbound mail; absent, mails go unthreaded. */
  mail?: MailSettings;
  /** The API's intake and reply paths, for claims and replies that arrive by mail. */
  claimIntake?: ClaimIntakePort;
}
