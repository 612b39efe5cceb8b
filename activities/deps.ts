import type { Db } from '../db';
import type { PolicyStore } from '../db/policies';
import type { Mailer } from './mailer';
import type { PaymentGateway } from './payments';
import type { ChargebackAdapters } from './chargeback-adapters';

/** Everything activities touch, built once in the worker and injected. */
export interface ActivityDeps {
  db: Db;
  mailer: Mailer;
  policies: PolicyStore;
  payments: PaymentGateway;
  staffMailboxes: { lead: string; finance: string };
  /** Dispute gateway and platform webhooks; manual and log-only when absent. */
  chargebacks?: ChargebackAdapters;
}
