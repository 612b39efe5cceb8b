import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** The secrets `npm run dev` generates once and keeps, so tokens and sessions survive a restart. */
const GENERATED = {
  CLAIM_TOKEN_SECRET: () => randomBytes(32).toString('base64url'),
  CONSOLE_SESSION_SECRET: () => randomBytes(32).toString('base64url'),
  // Stripe endpoint secrets look like whsec_<base64>; the README's signing line reads this one from the file.
  STRIPE_WEBHOOK_SECRETS: () => `whsec_${randomBytes(24).toString('base64')}`,
} as const;

export type DevSecrets = Record<keyof typeof GENERATED, string>;

/**
 * Reads `<dataRoot>/dev-secrets.json`, adding any secret it lacks (file mode 0600), and exports each into the
 * environment unless the environment already sets it.
 */
export function loadDevSecrets(dataRoot: string, env: NodeJS.ProcessEnv = process.env): DevSecrets {
  const file = path.join(dataRoot, 'dev-secrets.json');
  const stored = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Partial<DevSecrets>) : {};
  const secrets = { ...stored } as DevSecrets;
  let changed = false;
  for (const [name, make] of Object.entries(GENERATED) as [keyof DevSecrets, () => string][]) {
    if (!secrets[name]) {
      secrets[name] = make();
      changed = true;
    }
    env[name] ??= secrets[name];
  }
  if (changed) {
    mkdirSync(dataRoot, { recursive: true });
    writeFileSync(file, `${JSON.stringify(secrets, null, 2)}\n`, { mode: 0o600 });
  }
  return secrets;
}
