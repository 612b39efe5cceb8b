/**
 * `npm run measure:mail-ack`: the time from the inbound listener's 250 to the acknowledgement mail in the sink,
 * for 20 claims mailed one after another to a fresh stack (embedded PostgreSQL, Temporal dev server, the desk with
 * its worker and listener, the mail sink). Prints each time and the median. A measurement, not a test.
 */
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import nodemailer from 'nodemailer';
import { startMailSink } from '../mail/sink';
import { loadConfig } from '../wiring/config';
import { startRefundDesk } from '../wiring/desk';

const RUNS = 20;

async function main() {
  const { startPostgres } = await import('./lib/postgres.mjs');
  const { startTemporalDevServer } = await import('./lib/temporal.mjs');
  const { freePort } = await import('./lib/proc.mjs');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'refund-desk-mail-ack-'));
  chmodSync(dir, 0o755); // the embedded PostgreSQL may run as its own OS user, which must enter the folder
  const quiet = () => undefined;
  const pg = await startPostgres({
    dataDir: path.join(dir, 'pg'),
    port: await freePort(),
    database: 'mail_ack',
    fast: true,
    useEnv: false,
    log: quiet,
  });
  const temporal = await startTemporalDevServer({ port: await freePort(), headless: true, useEnv: false, log: quiet });
  const sink = await startMailSink({ smtpPort: 0, httpPort: 0 });
  const desk = await startRefundDesk(
    loadConfig({
      NODE_ENV: 'development',
      ...process.env,
      DATABASE_URL: pg.url,
      TEMPORAL_ADDRESS: temporal.address,
      PORT: '0',
      SMTP_HOST: '127.0.0.1',
      SMTP_PORT: String(sink.smtpPort),
      INBOUND_SMTP_PORT: '0',
      INBOUND_MAIL_PER_HOUR: '1000',
      INBOUND_DNS_ZONE_FILE: path.resolve(__dirname, '..', 'mail', 'dev-dns-zone.json'),
      LOG_LEVEL: 'warn',
    }),
    { seedDemo: true },
  );
  const transport = nodemailer.createTransport({
    host: '127.0.0.1',
    port: desk.inboundSmtpPort!,
    secure: false,
    ignoreTLS: true,
  });
  const times: number[] = [];
  try {
    for (let i = 0; i < RUNS; i += 1) {
      const messageId = `<ack-${Date.now()}-${i}@pixazo-customer.example>`;
      const mail = {
        from: 'dev@pixazo-customer.example',
        to: 'refunds@pixazo-api.example',
        subject: `Failed call ${i}`,
        text: 'req_acct_pixazo_demo_5xx_1 failed with a 502.',
        messageId,
      };
      await transport.sendMail(mail); // resolves on the 250
      const accepted = performance.now();
      await sink.waitFor(
        (m) => /^We received your refund claim/.test(m.subject) && (m.headers.references ?? '').includes(messageId),
        60_000,
      );
      times.push(performance.now() - accepted);
      console.log(`run ${i + 1}: ${times[i]!.toFixed(0)} ms`);
    }
  } finally {
    transport.close();
    await desk.close();
    await sink.stop();
    await temporal.stop();
    await pg.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  const sorted = [...times].sort((a, b) => a - b);
  const median = (sorted[RUNS / 2 - 1]! + sorted[RUNS / 2]!) / 2;
  console.log(
    `250 to acknowledgement mail, ${RUNS} runs: median ${median.toFixed(0)} ms, min ${sorted[0]!.toFixed(0)} ms, max ${sorted[RUNS - 1]!.toFixed(0)} ms`,
  );
}

void main().catch((err) => {
  console.error(err);
  process.exit(1);
});
