import { z } from 'zod';
import type { StripeApiOptions } from '../adapters/stripe-disputes';
import type { PlatformWebhookEndpoint } from '../adapters/webhooks-out';
import { ACTION_ANSWER_WAIT_MS } from '../server/chargeback-actions';
import { DEV_STRIPE_WEBHOOK_SECRET } from '../server/routes/webhooks';
import { isDevMode, KNOWN_DEFAULT_SECRETS } from './secrets';

/** Chargeback intake and outbound settings, from the environment. */
export interface ChargebackConfig {
  /** Every endpoint secret accepted, so a rotation never drops an event (STRIPE_WEBHOOK_SECRETS, comma separated). */
  stripeWebhookSecrets: string[];
  /** How old a signed timestamp may be, in seconds (Stripe's default is 300). */
  stripeToleranceSeconds: number;
  /** With a key, evidence is submitted through Stripe's API; without one, finance submits it by hand. */
  stripeApi: StripeApiOptions | null;
  /** Where the platform receives signed account and chargeback events; none: they are only logged. */
  platformWebhook: PlatformWebhookEndpoint | null;
  /** How often events stored but not handed to a workflow are handed over again. */
  sweepIntervalMs: number;
  /** How long a staff action's answer waits for the workflow before it answers 202 (in progress). */
  actionAnswerWaitMs: number;
}

const Env = z.object({
  STRIPE_WEBHOOK_SECRETS: z.string().default(''),
  STRIPE_WEBHOOK_TOLERANCE_SECONDS: z.coerce.number().int().positive().default(300),
  STRIPE_API_KEY: z.string().optional(),
  STRIPE_API_BASE: z.url().optional(),
  PLATFORM_WEBHOOK_URL: z.url().optional(),
  PLATFORM_WEBHOOK_SECRET: z
    .string()
    .regex(/^whsec_/, 'a Standard Webhooks secret starts with whsec_')
    .optional(),
  CHARGEBACK_SWEEP_INTERVAL_MS: z.coerce.number().int().positive().default(15_000),
  CHARGEBACK_ACTION_WAIT_MS: z.coerce.number().int().positive().max(60_000).default(ACTION_ANSWER_WAIT_MS),
  NODE_ENV: z.string().optional(),
});

export function loadChargebackConfig(env: NodeJS.ProcessEnv): ChargebackConfig {
  const e = Env.parse(env);
  const secrets = e.STRIPE_WEBHOOK_SECRETS.split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const dev = isDevMode(e.NODE_ENV);
  if (!secrets.length && dev) secrets.push(DEV_STRIPE_WEBHOOK_SECRET);
  // Fail closed outside development: no Stripe secret, or a published one, stops the process at start.
  if (!dev && !secrets.length) throw new Error('STRIPE_WEBHOOK_SECRETS must be set outside development');
  if (!dev && secrets.some((s) => KNOWN_DEFAULT_SECRETS.includes(s)))
    throw new Error('STRIPE_WEBHOOK_SECRETS holds a published default secret; use the endpoint secret from Stripe');
  if (!dev && e.PLATFORM_WEBHOOK_SECRET && KNOWN_DEFAULT_SECRETS.includes(e.PLATFORM_WEBHOOK_SECRET))
    throw new Error('PLATFORM_WEBHOOK_SECRET is a published default secret');
  if (e.PLATFORM_WEBHOOK_URL && !e.PLATFORM_WEBHOOK_SECRET)
    throw new Error('PLATFORM_WEBHOOK_URL needs PLATFORM_WEBHOOK_SECRET');
  const base = e.STRIPE_API_BASE ? new URL(e.STRIPE_API_BASE) : null;
  return {
    stripeWebhookSecrets: secrets,
    stripeToleranceSeconds: e.STRIPE_WEBHOOK_TOLERANCE_SECONDS,
    stripeApi: e.STRIPE_API_KEY
      ? {
          apiKey: e.STRIPE_API_KEY,
          ...(base
            ? {
                host: base.hostname,
                port: Number(base.port || (base.protocol === 'http:' ? 80 : 443)),
                protocol: base.protocol === 'http:' ? ('http' as const) : ('https' as const),
              }
            : {}),
        }
      : null,
    platformWebhook: e.PLATFORM_WEBHOOK_URL
      ? { url: e.PLATFORM_WEBHOOK_URL, secret: e.PLATFORM_WEBHOOK_SECRET! }
      : null,
    sweepIntervalMs: e.CHARGEBACK_SWEEP_INTERVAL_MS,
    actionAnswerWaitMs: e.CHARGEBACK_ACTION_WAIT_MS,
  };
}
