import type { Logger } from 'pino';
import type { ActivityDeps } from '../activities/deps';
import type { MailSettings } from '../activities/mail-settings';
import { dnsResolver } from '../adapters/mail-auth';
import { createSmtpMailer, type Mailer } from '../adapters/mailer';
import { manualPayoutGateway, type PaymentGateway } from '../adapters/payments';
import { createDb, type Db } from '../db';
import { migrate } from '../db/migrate';
import { PolicyStore } from '../db/policies';
import { buildChargebackAdapters } from './chargeback-adapters';
import type { AppConfig } from './config';
import { createLogger } from './logger';
import { installTemporalLogging } from './temporal-logging';

/** Everything the API process and the worker process share, built in one place. */
export interface Wiring {
  config: AppConfig;
  logger: Logger;
  db: Db;
  policies: PolicyStore;
  mailer: Mailer;
  payments: PaymentGateway;
  /** What the activities are built from (worker/). */
  activityDeps: ActivityDeps;
  /** Closes the SMTP pool's connections and releases the database pool. */
  close(): Promise<void>;
}

/** Attachments kept per inbound message, and the largest kept; the rest are named in the claim so staff can ask. */
const MAX_ATTACHMENTS = 10;
const MAX_ATTACHMENT_BYTES = 5 * 1024 * 1024;

/** The email channel's settings for the activities: links, reply tokens, support addresses, DNS. */
function mailSettings(config: AppConfig): MailSettings {
  const mail = config.inboundMail;
  return {
    publicUrl: mail.publicUrl,
    tokenSecret: config.claimTokenSecret,
    previousTokenSecrets: {
      secrets: config.security.claimTokens.previous,
      until: config.security.claimTokens.previousUntil,
    },
    addressOverrides: mail.addressOverrides,
    resolver: dnsResolver(mail.dnsZoneFile ?? undefined),
    mta: mail.hostname,
    maxAttachments: MAX_ATTACHMENTS,
    maxAttachmentBytes: MAX_ATTACHMENT_BYTES,
  };
}

/**
 * Builds the application from its configuration: logger (also for the Temporal SDK), a migrated database pool,
 * the policy packs, the SMTP mailer, the payment gateway and the activity dependencies. Each process entry adds
 * its own metrics registry (the API's also carries an in-process worker's figures).
 * With `ownSignals`, the caller's close() owns shutdown and the Temporal SDK must not drain on SIGINT by itself.
 */
export async function wireRefundDesk(config: AppConfig, { ownSignals = false } = {}): Promise<Wiring> {
  const logger = createLogger(config.logLevel);
  installTemporalLogging(logger, { ownSignals });
  const db = createDb(config.databaseUrl);
  await migrate(db);
  const policies = await PolicyStore.open(db, config.policiesDir);
  const mailer = createSmtpMailer(config.smtp);
  const payments = manualPayoutGateway;
  return {
    config,
    logger,
    db,
    policies,
    mailer,
    payments,
    activityDeps: {
      db,
      policies,
      mailer,
      payments,
      staffMailboxes: config.staffMailboxes,
      chargebacks: buildChargebackAdapters(db, config.chargebacks),
      mail: mailSettings(config),
    },
    close: async () => {
      // Pooled SMTP connections would otherwise keep the process alive until the server drops them.
      mailer.close?.();
      await db.end();
    },
  };
}
