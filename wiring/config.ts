import type { InboundMailConfig } from '../server/mail-channel';
import path from 'node:path';
import { z } from 'zod';
import { TASK_QUEUE } from '../common/ids';
import { loadChargebackConfig, type ChargebackConfig } from './chargeback-config';
import { checkStaffKeys, loadSecurityConfig, type SecurityConfig } from './secrets';

const EnvSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  WORKER_METRICS_PORT: z.coerce.number().int().min(0).max(65535).default(9464),
  // How often the worker's deadline sweep looks for due review and payout deadlines (worker/deadline-sweep.ts).
  DEADLINE_SWEEP_MS: z.coerce.number().int().min(100).max(60_000).default(1_000),
  DATABASE_URL: z.string().min(1, 'DATABASE_URL is required'),
  TEMPORAL_ADDRESS: z.string().default('127.0.0.1:7233'),
  TEMPORAL_NAMESPACE: z.string().default('default'),
  TEMPORAL_TASK_QUEUE: z.string().default(TASK_QUEUE),
  SMTP_HOST: z.string().default('127.0.0.1'),
  SMTP_PORT: z.coerce.number().int().default(1025),
  MAIL_FROM: z.string().default('Refund Desk <refunds@refund-desk.local>'),
  LEAD_EMAIL: z.string().default('leads@refund-desk.local'),
  FINANCE_EMAIL: z.string().default('finance@refund-desk.local'),
  STAFF_API_KEYS: z.string().default(''),
  POLICIES_DIR: z.string().default(path.resolve(__dirname, '..', 'policies')),
  LOG_LEVEL: z.string().default('info'),
  PUBLIC_URL: z.string().optional(),
  INBOUND_SMTP_PORT: z.coerce.number().int().min(-1).max(65535).default(2525),
  INBOUND_SMTP_HOST: z.string().default('127.0.0.1'),
  INBOUND_MAIL_MAX_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .default(10 * 1024 * 1024),
  INBOUND_MAIL_ADDRESSES: z.string().default(''),
  INBOUND_MAIL_PER_HOUR: z.coerce.number().int().positive().default(30),
  INBOUND_TLS_KEY_FILE: z.string().optional(),
  INBOUND_TLS_CERT_FILE: z.string().optional(),
  INBOUND_DNS_ZONE_FILE: z.string().optional(),
  MAIL_HOSTNAME: z.string().default('refund-desk.local'),
});

export interface AppConfig {
  port: number;
  /** Where a separate worker process serves GET /metrics (the API serves its own on `port`). */
  workerMetricsPort: number;
  deadlineSweepMs: number;
  databaseUrl: string;
  temporal: { address: string; namespace: string; taskQueue: string };
  smtp: { host: string; port: number; from: string };
  staffMailboxes: { lead: string; finance: string };
  /** The current claim-token secret (mints tokens); `security.claimTokens` also holds the rotation and lifetime. */
  claimTokenSecret: string;
  /** Secrets, /metrics key, proxy trust and intake rate limits (wiring/secrets.ts; fail closed outside development). */
  security: SecurityConfig;
  /** `role:name:key` triples, comma separated, loaded into staff_keys at start. */
  bootstrapStaffKeys: { role: string; name: string; key: string }[];
  policiesDir: string;
  logLevel: string;
  chargebacks: ChargebackConfig;
  inboundMail: InboundMailConfig;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const e = EnvSchema.parse(env);
  const security = loadSecurityConfig(env);
  const staffKeys = parseStaffKeys(e.STAFF_API_KEYS);
  checkStaffKeys(env.NODE_ENV || undefined, staffKeys);
  return {
    port: e.PORT,
    workerMetricsPort: e.WORKER_METRICS_PORT,
    deadlineSweepMs: e.DEADLINE_SWEEP_MS,
    databaseUrl: e.DATABASE_URL,
    temporal: { address: e.TEMPORAL_ADDRESS, namespace: e.TEMPORAL_NAMESPACE, taskQueue: e.TEMPORAL_TASK_QUEUE },
    smtp: { host: e.SMTP_HOST, port: e.SMTP_PORT, from: e.MAIL_FROM },
    staffMailboxes: { lead: e.LEAD_EMAIL, finance: e.FINANCE_EMAIL },
    claimTokenSecret: security.claimTokens.current,
    security,
    bootstrapStaffKeys: staffKeys,
    policiesDir: e.POLICIES_DIR,
    logLevel: e.LOG_LEVEL,
    chargebacks: loadChargebackConfig(env),
    inboundMail: {
      port: e.INBOUND_SMTP_PORT,
      host: e.INBOUND_SMTP_HOST,
      maxBytes: e.INBOUND_MAIL_MAX_BYTES,
      addressOverrides: parseAddresses(e.INBOUND_MAIL_ADDRESSES),
      perSenderPerHour: e.INBOUND_MAIL_PER_HOUR,
      tls:
        e.INBOUND_TLS_KEY_FILE && e.INBOUND_TLS_CERT_FILE
          ? { keyFile: e.INBOUND_TLS_KEY_FILE, certFile: e.INBOUND_TLS_CERT_FILE }
          : null,
      dnsZoneFile: e.INBOUND_DNS_ZONE_FILE ?? null,
      hostname: e.MAIL_HOSTNAME,
      publicUrl: e.PUBLIC_URL ?? `http://127.0.0.1:${e.PORT}`,
    },
  };
}

/** `pixazo-api=refunds@pixazo.com,imaginator=refunds@imaginator.com` → support address by policy id. */
function parseAddresses(raw: string): Record<string, string> {
  const entries = raw
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean)
    .map((entry) => {
      const [policyId, address] = entry.split('=').map((s) => s.trim());
      if (!policyId || !address?.includes('@'))
        throw new Error(`INBOUND_MAIL_ADDRESSES entry "${entry}" must be policy-id=address`);
      return [policyId, address.toLowerCase()] as const;
    });
  return Object.fromEntries(entries);
}

function parseStaffKeys(raw: string): AppConfig['bootstrapStaffKeys'] {
  return raw
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean)
    .map((entry) => {
      const [role, name, key] = entry.split(':');
      if (!role || !name || !key) throw new Error(`STAFF_API_KEYS entry "${entry}" must be role:name:key`);
      return { role, name, key };
    });
}
