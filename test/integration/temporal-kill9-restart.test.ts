import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { ulid } from 'ulid';
import { KEYS, startDesk, type Desk } from './desk-harness';

/**
 * The dev stack's Temporal runs SQLite in WAL mode with synchronous=normal (no fsync per commit). That may
 * only cost the last commits on a power cut, never on a killed process: claims in flight when the server is
 * killed with SIGKILL all complete once it restarts on the same file.
 */
interface FileServer {
  address: string;
  /** The server's process (its own process group). */
  pid: number;
  helper: ChildProcess;
}

let dataDir: string;
let port: number;
let temporal: FileServer | undefined;
let d: Desk | undefined;

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port: free } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return free;
}

/** The dev stack's own start (scripts/lib/temporal.mjs) in a helper process: ESM, which jest cannot import. */
async function startServer(): Promise<FileServer> {
  const script = path.resolve(__dirname, '../support/temporal-file-server.mjs');
  const helper = spawn(process.execPath, [script, dataDir, String(port)], { stdio: ['pipe', 'pipe', 'inherit'] });
  const exited = new Promise<never>((_, reject) =>
    helper.once('exit', (code) => reject(new Error(`temporal helper exited with ${code}`))),
  );
  const line = createInterface({ input: helper.stdout! })[Symbol.asyncIterator]().next();
  const first = await Promise.race([line, exited]);
  return { ...(JSON.parse(String(first.value)) as { address: string; pid: number }), helper };
}

async function stopHelper(server: FileServer): Promise<void> {
  if (server.helper.exitCode !== null) return;
  const gone = new Promise((resolve) => server.helper.once('exit', resolve));
  server.helper.kill('SIGTERM');
  await gone;
}

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'refund-desk-kill9-'));
  port = await freePort();
  temporal = await startServer();
  d = await startDesk({ TEMPORAL_ADDRESS: temporal.address });
});

afterAll(async () => {
  await d?.close();
  if (temporal) await stopHelper(temporal);
  rmSync(dataDir, { recursive: true, force: true });
});

async function accountWithFailedCall(): Promise<{ accountId: string; email: string; requestId: string }> {
  const accountId = `acct_${ulid()}`;
  const email = `${accountId.toLowerCase()}@customer.example`;
  const put = await d!.call('PUT', `/v1/accounts/${accountId}`, {
    bearer: KEYS.operator,
    body: { email, policyId: 'pixazo-api' },
  });
  expect(put.status).toBe(201);
  const at = new Date(Date.now() - 2 * 86_400_000).toISOString();
  const requestId = `${accountId}_a`;
  const feed = await d!.call('POST', '/v1/usage/requests', {
    bearer: KEYS.operator,
    body: {
      records: [
        {
          requestId,
          accountId,
          endpoint: '/v1/images/generate',
          model: 'sdxl',
          httpStatus: 502,
          outcome: 'error',
          amountMinor: 150,
          currency: 'USD',
          outputDelivered: false,
          startedAt: at,
          completedAt: at,
        },
      ],
    },
  });
  expect(feed.status).toBe(200);
  return { accountId, email, requestId };
}

async function statuses(claimIds: string[]): Promise<string[]> {
  const { rows } = await d!.db.query<{ status: string }>('SELECT status FROM claims WHERE id = ANY($1::text[])', [
    claimIds,
  ]);
  return rows.map((r) => r.status);
}

describe('the Temporal dev server on its SQLite file (WAL, synchronous=normal)', () => {
  it('runs with the pragmas that spare it an fsync per commit, and its SQLite file is in WAL mode', () => {
    const cmdline = readFileSync(`/proc/${temporal!.pid}/cmdline`, 'utf8').split('\0').join(' ');
    expect(cmdline).toContain('--sqlite-pragma journal_mode=wal --sqlite-pragma synchronous=normal');
    expect(existsSync(path.join(dataDir, 'temporal.db-wal'))).toBe(true);
  });

  it('finishes every claim that was in flight when it was killed with SIGKILL and restarted on the same file', async () => {
    const accounts = await Promise.all(Array.from({ length: 12 }, () => accountWithFailedCall()));
    const claimIds: string[] = [];
    for (const { accountId, requestId } of accounts) {
      const res = await d!.call('POST', '/v1/claims', {
        body: { accountId, reason: 'failed_request', requestIds: [requestId], explanation: 'a 502' },
      });
      expect(res.status).toBe(202);
      claimIds.push(res.body.claimId);
    }

    // kill -9 of the server's whole process group, with the claims still moving.
    const atKill = await statuses(claimIds);
    expect(atKill.filter((s) => s !== 'closed').length).toBeGreaterThan(0);
    process.kill(-temporal!.pid, 'SIGKILL');
    await stopHelper(temporal!); // the helper only reaps the killed server
    temporal = await startServer();

    const deadline = Date.now() + 200_000;
    let now = await statuses(claimIds);
    while (now.some((s) => s !== 'closed') && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 500));
      now = await statuses(claimIds);
    }
    expect(now).toEqual(claimIds.map(() => 'closed'));
    const credits = await d!.db.query<{ claim_id: string }>(
      'SELECT claim_id FROM credits_issued WHERE claim_id = ANY($1::text[])',
      [claimIds],
    );
    expect(credits.rows.map((r) => r.claim_id).sort()).toEqual([...claimIds].sort());
    // Each customer got the acknowledgement, the decision and the credit notice, each once.
    const sent = await d!.db.query<{ n: string }>(
      'SELECT count(*) AS n FROM notifications WHERE claim_id = ANY($1::text[]) GROUP BY claim_id',
      [claimIds],
    );
    expect(sent.rows).toEqual(claimIds.map(() => ({ n: '3' })));
    for (const { email } of accounts) expect(d!.sink.messages().filter((m) => m.to.includes(email))).toHaveLength(3);
  }, 300_000);
});
