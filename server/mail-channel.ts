import { readFileSync } from 'node:fs';
import { WorkflowExecutionAlreadyStartedError, WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import { startInboundSmtp, type InboundSmtpListener } from '../adapters/smtp-in';
import { inboundMailWorkflowId, type InboundMailInput } from '../common/inbound-mail';
import { customerReplyUpdate } from '../common/messages';
import type { Db } from '../db';
import { countRecentMailsFrom, listUnstartedMails, storeInboundMail } from '../db/mail';
import type { PolicyStore } from '../db/policies';
import { baseAddress } from '../domain/email/reply-address';
import type { inboundMailWorkflow } from '../workflows';
import { businessRefusal } from './errors';
import { submitClaim, type IntakeDeps } from './intake';
import { countMailClaim } from './rate-limits';
import type { IntakeRateLimits } from './security';
import type { Logger } from 'pino';
import { CustomerReplyBody, ClaimBody } from './schemas';
import { claimAction } from './temporal';

/** The email channel's deployment settings (see README, "Claims by email"); wiring/config.ts reads them. */
export interface InboundMailConfig {
  /** -1 turns the listener off (a separate API process, say); 0 picks a free port. */
  port: number;
  host: string;
  maxBytes: number;
  /** Support address per policy id, overriding the packs'. */
  addressOverrides: Record<string, string>;
  perSenderPerHour: number;
  tls: { keyFile: string; certFile: string } | null;
  dnsZoneFile: string | null;
  hostname: string;
  /** Base of status-page links; defaults to the API's own address. */
  publicUrl: string;
}

/** Every support address mail is accepted at: the deployment's overrides, else each pack's `mailIntake.address`. */
export function supportAddresses(policies: PolicyStore, overrides: Record<string, string>): Set<string> {
  return new Set(
    policies
      .list()
      .map((p) => overrides[p.id] ?? p.pack.mailIntake?.address)
      .filter((a): a is string => Boolean(a))
      .map((a) => a.toLowerCase()),
  );
}

/** POST /v1/claims's intake and the customer-reply update, as the mail activities call them. */
export function claimIntakePort(deps: IntakeDeps, limits?: IntakeRateLimits) {
  return {
    submit: async (submission: unknown, idempotencyKey: string) => {
      const claim = ClaimBody.parse(submission);
      // The API's per-account limit covers mailed claims too (a rare retried activity may count twice: errs strict).
      if (limits && claim.accountId) await countMailClaim(deps.db, limits, claim.accountId);
      return submitClaim(deps, claim, 'email', idempotencyKey);
    },
    reply: async (claimId: string, reply: unknown) => {
      try {
        return await claimAction(deps.temporal, claimId, customerReplyUpdate, [CustomerReplyBody.parse(reply)]);
      } catch (err) {
        const refusal = err instanceof WorkflowUpdateFailedError ? businessRefusal(err) : undefined;
        if (refusal) throw Object.assign(new Error(refusal.message), { status: 409 });
        throw err;
      }
    },
  };
}

/** Starts a stored message's workflow once; its id is the message's hash, so repeats do nothing. */
export async function startInboundMailWorkflow(
  temporal: Client,
  taskQueue: string,
  input: InboundMailInput,
): Promise<void> {
  try {
    await temporal.workflow.start<typeof inboundMailWorkflow>('inboundMailWorkflow', {
      taskQueue,
      workflowId: inboundMailWorkflowId(input.sha256),
      args: [input],
      workflowIdConflictPolicy: 'USE_EXISTING',
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
    });
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
  }
}

export interface MailChannelDeps {
  db: Db;
  policies: PolicyStore;
  temporal: Client;
  taskQueue: string;
  logger: Logger;
  config: InboundMailConfig;
}

/** The inbound SMTP listener wired to PostgreSQL and Temporal; stored messages left unstarted are started first. */
export async function startMailChannel(deps: MailChannelDeps): Promise<InboundSmtpListener | null> {
  const { db, temporal, taskQueue, logger, config } = deps;
  for (const pending of await listUnstartedMails(db)) await startInboundMailWorkflow(temporal, taskQueue, pending);
  if (config.port < 0) return null;
  const tls = config.tls
    ? { key: readFileSync(config.tls.keyFile), cert: readFileSync(config.tls.certFile) }
    : undefined;
  const listener = await startInboundSmtp(
    { port: config.port, host: config.host, maxBytes: config.maxBytes, ...(tls ? { tls } : {}) },
    {
      accepts: (recipient) => supportAddresses(deps.policies, config.addressOverrides).has(baseAddress(recipient)),
      // Bounces have no sender and are never limited: they are how a failed notification is learnt of.
      overRateLimit: async (sender) =>
        sender !== '' && (await countRecentMailsFrom(db, sender, 3600)) >= config.perSenderPerHour,
      store: (message) => storeInboundMail(db, message),
      afterStore: async (stored) => {
        if (!stored.duplicate) await startInboundMailWorkflow(temporal, taskQueue, stored);
      },
      log: (event, fields) => logger.warn(fields, event),
    },
  );
  logger.info({ port: listener.port }, 'inbound mail listening');
  return listener;
}
