import { z } from 'zod';
import { DEFAULT_TOKEN_LIFETIME_MS } from '../domain/claim-token';
import type { ApiSecurity } from '../server/security';

/**
 * Secrets that fail closed: outside development and tests every secret must be set explicitly, and none may be a
 * value this repository ever published. NODE_ENV unset counts as production.
 */
export const DEV_MODES = ['development', 'dev', 'test'] as const;

export function isDevMode(nodeEnv: string | undefined): boolean {
  return (DEV_MODES as readonly string[]).includes(nodeEnv ?? '');
}

/** Every secret value ever shipped in docker-compose.yml, the README, examples, tests or benchmarks. */
export const KNOWN_DEFAULT_SECRETS: readonly string[] = [
  'dev-only-claim-token-secret-change-me',
  'compose-only-claim-token-secret-change-me',
  'whsec_refund_desk_dev_only',
  'dev-only-console-session-secret-change-me',
  'dev-only-metrics-key',
  'test-secret-0123456789',
  'unused-secret-0123456789',
  'bench-claim-token-secret',
  'change-me',
  'changeme',
  'secret',
];

/** Staff keys the repository's demo data, tests, benchmarks and chaos runs use (`demo-agent-key`, `it-lead-key`, …). */
const PUBLISHED_STAFF_KEY = /^(demo|it|bench|chaos|cr|owasp|test)-[a-z]+-key$/;

/** Outside development, a staff key from STAFF_API_KEYS must be unpublished and at least 16 characters. */
export function checkStaffKeys(nodeEnv: string | undefined, keys: readonly { name: string; key: string }[]): void {
  if (isDevMode(nodeEnv)) return;
  for (const k of keys) {
    if (PUBLISHED_STAFF_KEY.test(k.key) || KNOWN_DEFAULT_SECRETS.includes(k.key))
      throw new Error(`STAFF_API_KEYS: the key of ${k.name} is a published demo or test key`);
    if (k.key.length < 16) throw new Error(`STAFF_API_KEYS: the key of ${k.name} must be at least 16 characters`);
  }
}

/** What development and tests use when nothing is set; `npm run dev` sets random ones (scripts/dev-secrets.ts). */
export const DEV_SECRETS = {
  CLAIM_TOKEN_SECRET: 'dev-only-claim-token-secret-change-me',
  CONSOLE_SESSION_SECRET: 'dev-only-console-session-secret-change-me',
} as const;

/** At least this long in production: 32 characters of a random string is well over 128 bits. */
const MIN_PRODUCTION_SECRET = 32;

/** The API's security settings (server/security.ts). */
export type SecurityConfig = ApiSecurity;

const list = (raw: string) =>
  raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

const Env = z.object({
  NODE_ENV: z.string().optional(),
  CLAIM_TOKEN_SECRET: z.string().min(16).optional(),
  CLAIM_TOKEN_PREVIOUS_SECRETS: z.string().default(''),
  CLAIM_TOKEN_PREVIOUS_UNTIL: z.iso.datetime({ offset: true }).optional(),
  CLAIM_TOKEN_LIFETIME_DAYS: z.coerce.number().positive().max(3650).optional(),
  CONSOLE_SESSION_SECRET: z.string().min(16).optional(),
  METRICS_KEY: z.string().min(16).optional(),
  TRUST_PROXY: z.string().optional(),
  CLAIM_RATE_LIMIT_WINDOW_SECONDS: z.coerce.number().int().positive().default(3600),
  CLAIM_RATE_LIMIT_PER_CLIENT: z.coerce.number().int().min(0).optional(),
  CLAIM_RATE_LIMIT_PER_ACCOUNT: z.coerce.number().int().min(0).optional(),
});

/** Refuses a production secret that is missing, short, or one of the published defaults. */
export function requireSecret(name: string, value: string | undefined, minLength = MIN_PRODUCTION_SECRET): string {
  if (!value) throw new Error(`${name} must be set outside development (NODE_ENV=development or test)`);
  if (KNOWN_DEFAULT_SECRETS.includes(value))
    throw new Error(`${name} is a published default value; set a random one (e.g. openssl rand -hex 32)`);
  if (value.length < minLength) throw new Error(`${name} must be at least ${minLength} characters in production`);
  return value;
}

export function loadSecurityConfig(env: NodeJS.ProcessEnv): SecurityConfig {
  // An empty value (compose's `${VAR:-}`) means unset.
  const e = Env.parse(Object.fromEntries(Object.entries(env).filter(([, v]) => v !== '')));
  const dev = isDevMode(e.NODE_ENV);
  const secret = (name: keyof typeof DEV_SECRETS, value: string | undefined) =>
    dev ? (value ?? DEV_SECRETS[name]) : requireSecret(name, value);
  const previous = list(e.CLAIM_TOKEN_PREVIOUS_SECRETS);
  if (previous.length && !e.CLAIM_TOKEN_PREVIOUS_UNTIL)
    throw new Error('CLAIM_TOKEN_PREVIOUS_SECRETS needs CLAIM_TOKEN_PREVIOUS_UNTIL (the end of the grace window)');
  if (!dev) previous.forEach((p, i) => requireSecret(`CLAIM_TOKEN_PREVIOUS_SECRETS[${i}]`, p, 16));
  return {
    claimTokens: {
      current: secret('CLAIM_TOKEN_SECRET', e.CLAIM_TOKEN_SECRET),
      previous,
      previousUntil: e.CLAIM_TOKEN_PREVIOUS_UNTIL ? new Date(e.CLAIM_TOKEN_PREVIOUS_UNTIL) : null,
      lifetimeMs: e.CLAIM_TOKEN_LIFETIME_DAYS ? e.CLAIM_TOKEN_LIFETIME_DAYS * 86_400_000 : DEFAULT_TOKEN_LIFETIME_MS,
    },
    consoleSessionSecret: secret('CONSOLE_SESSION_SECRET', e.CONSOLE_SESSION_SECRET),
    metricsKey: dev ? (e.METRICS_KEY ?? null) : requireSecret('METRICS_KEY', e.METRICS_KEY),
    trustProxy: e.TRUST_PROXY ?? null,
    rateLimits: {
      windowMs: e.CLAIM_RATE_LIMIT_WINDOW_SECONDS * 1000,
      // Tests share one database and one client address, so there the limits are off unless a test sets them.
      perClient: e.CLAIM_RATE_LIMIT_PER_CLIENT ?? (e.NODE_ENV === 'test' ? 0 : 60),
      perAccount: e.CLAIM_RATE_LIMIT_PER_ACCOUNT ?? (e.NODE_ENV === 'test' ? 0 : 10),
    },
  };
}
