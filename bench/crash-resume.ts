/**
 * Issue 12: does a claim step interrupted by a worker crash resume in seconds?
 *
 *   npx tsx bench/crash-resume.ts
 *
 * Starts a throwaway PostgreSQL, an in-memory Temporal dev server, a mail sink and the API, and runs the worker as
 * a child process (`node --import tsx wiring/worker.ts`). Four rounds: 8 automatic-credit claims are submitted,
 * the worker is killed with SIGKILL 100–600 ms later (claims mid-step), and a new worker is started at once,
 * together with one fresh claim that the killed worker never touched. The fresh claim's time to close is the
 * restart's own cost (process start, bundling the workflows); the in-flight claims' times beyond it are what the
 * interrupted steps cost. Each round checks one credit and one acknowledgement per claim.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { startTemporalDevServer } from '../scripts/lib/temporal.mjs';
import { freePort } from '../scripts/lib/proc.mjs';
import { benchDatabase } from './lib/database';
import { startMailSink } from '../mail/sink';
import { loadConfig } from '../wiring/config';
import { startRefundDesk } from '../wiring/desk';
import { DEMO_PATH_KEYS, PathApi } from './claim-paths';
import { submissionToken } from '../server/claim-token';

async function main() {
  const database = await benchDatabase('crash_resume', { log: () => {} });
  const t = await startTemporalDevServer({ port: await freePort(), headless: true, useEnv: false, log: () => {} });
  const sink = await startMailSink({ smtpPort: 0, httpPort: 0 });
  const env = {
    ...process.env,
    DATABASE_URL: database.url,
    TEMPORAL_ADDRESS: t.address,
    TEMPORAL_TASK_QUEUE: `crash-${process.pid}`,
    SMTP_PORT: String(sink.smtpPort),
    INBOUND_SMTP_PORT: '-1',
    LOG_LEVEL: 'error',
    WORKER_METRICS_PORT: '0',
    CLAIM_TOKEN_SECRET: 'crash-resume-secret-0123456789',
    STAFF_API_KEYS: Object.entries(DEMO_PATH_KEYS)
      .map(([r, k]) => `${r}:x-${r}:${k}`)
      .join(','),
  };
  const desk = await startRefundDesk(loadConfig({ ...env, PORT: '0' }), { runWorker: false });
  const api = new PathApi(desk.apiUrl, DEMO_PATH_KEYS, 180_000, (id) => submissionToken(env.CLAIM_TOKEN_SECRET, id));
  const startWorker = (): ChildProcess =>
    spawn(process.execPath, ['--import', 'tsx', path.resolve(__dirname, '../wiring/worker.ts')], {
      env,
      stdio: 'ignore',
    });
  let worker = startWorker();
  const warm = await api.seedAccount();
  const w = await api.submit({ accountId: warm.accountId, reason: 'failed_request', requestIds: warm.fivexx });
  await api.waitForStatus(w.claimId, w.claimToken, 'closed');
  for (const killAfterMs of [100, 250, 400, 600]) {
    const claims = [];
    for (let i = 0; i < 8; i++) {
      const a = await api.seedAccount();
      claims.push(await api.submit({ accountId: a.accountId, reason: 'failed_request', requestIds: a.fivexx }));
    }
    await new Promise((r) => setTimeout(r, killAfterMs));
    worker.kill('SIGKILL');
    const killedAt = Date.now();
    let open = 0;
    for (const c of claims) {
      const { body } = await api.call('GET', `/v1/claims/${c.claimId}`, c.claimToken);
      if (body.status !== 'closed') open++;
    }
    worker = startWorker();
    const fresh = await api.seedAccount();
    const f = await api.submit({ accountId: fresh.accountId, reason: 'failed_request', requestIds: fresh.fivexx });
    const freshDone = api.waitForStatus(f.claimId, f.claimToken, 'closed').then(() => (Date.now() - killedAt) / 1000);
    const each = await Promise.all(
      claims.map((c) =>
        api.waitForStatus(c.claimId, c.claimToken, 'closed').then(() => (Date.now() - killedAt) / 1000),
      ),
    );
    console.log(
      `  a claim submitted at the restart closed after ${(await freshDone).toFixed(1)} s; in-flight ones at ${each
        .sort((a, b) => a - b)
        .map((x) => x.toFixed(1))
        .join(', ')} s`,
    );
    const credits = await database.db.query(`SELECT count(*)::int AS n FROM credits_issued WHERE claim_id = ANY($1)`, [
      claims.map((c) => c.claimId),
    ]);
    const acks = await database.db.query(
      `SELECT count(*)::int AS n FROM notifications WHERE claim_id = ANY($1) AND dedupe_key LIKE '%acknowledgement'`,
      [claims.map((c) => c.claimId)],
    );
    console.log(
      `kill after ${killAfterMs} ms: ${open}/8 claims open at the kill; all closed ${((Date.now() - killedAt) / 1000).toFixed(1)} s after it; credits ${credits.rows[0].n}, acks ${acks.rows[0].n}`,
    );
  }
  worker.kill('SIGTERM');
  await desk.close();
  await sink.stop();
  await t.stop();
  await database.close();
}
main().catch((e) => {
  console.error(e);
  process.exit(1);
});
