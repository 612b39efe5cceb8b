import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { loadDevSecrets } from '../../scripts/dev-secrets';
import { loadConfig } from '../../wiring/config';
import { KNOWN_DEFAULT_SECRETS } from '../../wiring/secrets';

const repo = path.resolve(__dirname, '..', '..');

/** A complete production environment with strong, unpublished secrets. */
const production = (): NodeJS.ProcessEnv => ({
  NODE_ENV: 'production',
  DATABASE_URL: 'postgres://u:p@db/refund_desk',
  CLAIM_TOKEN_SECRET: 'a'.repeat(20) + 'b'.repeat(20),
  CONSOLE_SESSION_SECRET: 'c'.repeat(20) + 'd'.repeat(20),
  STRIPE_WEBHOOK_SECRETS: 'whsec_live_endpoint_secret_from_stripe',
  METRICS_KEY: 'e'.repeat(20) + 'f'.repeat(20),
});

const without = (env: NodeJS.ProcessEnv, name: string) => {
  const copy = { ...env };
  delete copy[name];
  return copy;
};

/** The secrets the desk refuses to start without outside development. */
const REQUIRED = ['CLAIM_TOKEN_SECRET', 'CONSOLE_SESSION_SECRET', 'STRIPE_WEBHOOK_SECRETS', 'METRICS_KEY'];

describe('secrets fail closed outside development', () => {
  it('starts in production with every secret set, and keeps the console session secret apart from the tokens', () => {
    const config = loadConfig(production());
    expect(config.claimTokenSecret).toBe(production().CLAIM_TOKEN_SECRET);
    expect(config.security.consoleSessionSecret).toBe(production().CONSOLE_SESSION_SECRET);
    expect(config.security.consoleSessionSecret).not.toBe(config.claimTokenSecret);
    expect(config.security.metricsKey).toBe(production().METRICS_KEY);
  });

  it.each(REQUIRED)('refuses to start in production without %s', (name) => {
    expect(() => loadConfig(without(production(), name))).toThrow(name);
  });

  it.each(['production', 'staging', 'prod', 'Production', undefined])(
    'counts NODE_ENV=%s as production (only development and test are not)',
    (nodeEnv) => {
      const env = { ...without(production(), 'NODE_ENV'), ...(nodeEnv ? { NODE_ENV: nodeEnv } : {}) };
      expect(() => loadConfig(without(env, 'CLAIM_TOKEN_SECRET'))).toThrow('CLAIM_TOKEN_SECRET must be set');
    },
  );

  it.each(KNOWN_DEFAULT_SECRETS.filter((s) => s.length >= 16))('refuses the published value %s', (secret) => {
    expect(() => loadConfig({ ...production(), CLAIM_TOKEN_SECRET: secret })).toThrow('published default');
    expect(() => loadConfig({ ...production(), CONSOLE_SESSION_SECRET: secret })).toThrow('published default');
    expect(() => loadConfig({ ...production(), METRICS_KEY: secret })).toThrow('published default');
    expect(() => loadConfig({ ...production(), STRIPE_WEBHOOK_SECRETS: `whsec_x_from_stripe,${secret}` })).toThrow(
      'published default',
    );
  });

  it('refuses a short secret in production and a rotation without the end of its grace window', () => {
    expect(() => loadConfig({ ...production(), CLAIM_TOKEN_SECRET: 'short-but-16-chars' })).toThrow('at least 32');
    expect(() => loadConfig({ ...production(), CLAIM_TOKEN_PREVIOUS_SECRETS: 'o'.repeat(40) })).toThrow(
      'CLAIM_TOKEN_PREVIOUS_UNTIL',
    );
  });

  it('refuses published demo and test staff keys, and short ones, in STAFF_API_KEYS', () => {
    for (const key of ['demo-agent-key', 'it-lead-key', 'chaos-operator-key']) {
      expect(() => loadConfig({ ...production(), STAFF_API_KEYS: `agent:ann:${key}` })).toThrow('published');
    }
    expect(() => loadConfig({ ...production(), STAFF_API_KEYS: 'agent:ann:short' })).toThrow('at least 16');
    const ok = loadConfig({ ...production(), STAFF_API_KEYS: 'agent:ann:9f86d081884c7d659a2feaa0c55ad015' });
    expect(ok.bootstrapStaffKeys).toEqual([{ role: 'agent', name: 'ann', key: '9f86d081884c7d659a2feaa0c55ad015' }]);
    expect(loadConfig({ NODE_ENV: 'test', DATABASE_URL: 'x', STAFF_API_KEYS: 'agent:a:it-agent-key' })).toBeTruthy();
  });

  it('starts in development and tests without any secret (their defaults are refused in production)', () => {
    for (const NODE_ENV of ['development', 'test']) {
      const config = loadConfig({ NODE_ENV, DATABASE_URL: 'postgres://localhost/x' });
      expect(KNOWN_DEFAULT_SECRETS).toContain(config.claimTokenSecret);
      expect(KNOWN_DEFAULT_SECRETS).toContain(config.security.consoleSessionSecret);
      expect(KNOWN_DEFAULT_SECRETS).toContain(config.chargebacks.stripeWebhookSecrets[0]);
      expect(config.security.metricsKey).toBeNull();
    }
  });
});

describe('npm run dev keeps random secrets under .data/', () => {
  it('generates them once, keeps them across restarts, and they pass the production checks', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dev-secrets-'));
    const first = loadDevSecrets(dir, {});
    const again = loadDevSecrets(dir, {});
    expect(again).toEqual(first);
    expect((fs.statSync(path.join(dir, 'dev-secrets.json')).mode & 0o777).toString(8)).toBe('600');
    expect(loadDevSecrets(fs.mkdtempSync(path.join(os.tmpdir(), 'dev-secrets-')), {})).not.toEqual(first);
    for (const value of Object.values(first)) expect(KNOWN_DEFAULT_SECRETS).not.toContain(value);
    const env: NodeJS.ProcessEnv = { CLAIM_TOKEN_SECRET: 'already-set-by-the-developer-0123456789' };
    loadDevSecrets(dir, env);
    expect(env.CLAIM_TOKEN_SECRET).toBe('already-set-by-the-developer-0123456789');
    expect(env.CONSOLE_SESSION_SECRET).toBe(first.CONSOLE_SESSION_SECRET);
    expect(() => loadConfig({ ...production(), ...first })).not.toThrow();
  });
});

describe('docker-compose.yml carries no usable default secret', () => {
  const composeFile = path.join(repo, 'docker-compose.yml');
  const text = fs.readFileSync(composeFile, 'utf8');
  const env = parse(text)['x-refund-desk-env'] as Record<string, string>;

  it.each(REQUIRED)('%s is required by compose (${VAR:?…}), with no fallback value', (name) => {
    expect(env[name]).toMatch(new RegExp(`^\\$\\{${name}:\\?[^}]+\\}$`));
  });

  it('names no secret value anywhere in the file, and every value ever shipped is on the refused list', () => {
    for (const secret of KNOWN_DEFAULT_SECRETS.filter((s) => s.length >= 16)) expect(text).not.toContain(secret);
    expect(KNOWN_DEFAULT_SECRETS).toContain('compose-only-claim-token-secret-change-me');
    expect(text).toMatch(/NODE_ENV: production/);
    expect(fs.readFileSync(path.join(repo, '.env.example'), 'utf8')).toMatch(/^CLAIM_TOKEN_SECRET=$/m);
  });

  const works = (cmd: string, args: string[]) => spawnSync(cmd, args, { stdio: 'ignore' }).status === 0;
  // scripts/lib/tools.mjs finds a compose CLI on PATH or builds docker-compose in a venv: only a machine with
  // neither a compose CLI nor a Python that can make a venv with pip cannot run the check, and it says so.
  const hasCompose = ['docker-compose', 'docker compose'].some((cmd) => works('sh', ['-c', `${cmd} version`]));
  const hasPython = ['python3', 'python'].some((py) =>
    works(py, ['-c', 'import ensurepip, venv; ensurepip.version()']),
  );
  const runnable = hasCompose || hasPython;
  if (!runnable) {
    console.warn(
      'SKIPPING `compose config -q`: no docker-compose or `docker compose` on PATH, and no python3 or python ' +
        'with venv and ensurepip to install docker-compose into .tools/',
    );
  }

  describe('`compose config -q`', () => {
    let compose: string | undefined;
    beforeAll(() => {
      if (!runnable) return;
      // ensureComposeCli in a child node (jest cannot import() an .mjs); the first run builds the venv (~30 s).
      const program =
        "import { ensureComposeCli } from './scripts/lib/tools.mjs'; console.log((await ensureComposeCli()) ?? '');";
      const res = spawnSync(process.execPath, ['--input-type=module', '-e', program], { cwd: repo, encoding: 'utf8' });
      compose = res.stdout?.trim() || undefined;
      if (!compose) throw new Error(`no compose CLI from scripts/lib/tools.mjs:\n${res.stderr}${res.error ?? ''}`);
    }, 5 * 60_000);

    (runnable ? it : it.skip)('fails without the secrets and passes with them', () => {
      const run = (extra: Record<string, string>) =>
        spawnSync('sh', ['-c', `${compose} -f docker-compose.yml config -q`], {
          cwd: repo,
          env: { PATH: process.env.PATH, HOME: process.env.HOME, ...extra },
          encoding: 'utf8',
        });
      expect(run({}).status).not.toBe(0);
      const secrets = Object.fromEntries(REQUIRED.map((n) => [n, production()[n]!]));
      const ok = run(secrets);
      expect(ok.stderr).toBe('');
      expect(ok.status).toBe(0);
    });
  });
});
