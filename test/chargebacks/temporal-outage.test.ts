import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { signStripe, stripeDisputeEvent } from './stripe-events';
import {
  disputedAccount,
  eventually,
  KEYS,
  SECRETS,
  startChargebackDesk,
  type ChargebackDesk,
} from './chargeback-desk';

/** The Temporal CLI global setup installed (or the one on PATH). */
function temporalCli(): string {
  if (process.env.TEMPORAL_CLI_PATH) return process.env.TEMPORAL_CLI_PATH;
  const local = path.resolve(__dirname, '..', '..', '.tools', 'pip', 'bin', 'temporal');
  return existsSync(local) ? local : 'temporal';
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.address() as { port: number }).port;
  await new Promise((r) => server.close(r));
  return port;
}

/** True once something accepts TCP connections on the port. */
function portAccepts(port: number): Promise<true | undefined> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(undefined));
  });
}

/** A Temporal dev server of this test's own, with its state on disk, so it can be stopped and started again. */
function temporalServer(port: number, dbFile: string) {
  let child: ChildProcess | undefined;
  return {
    address: `127.0.0.1:${port}`,
    async start() {
      child = spawn(
        temporalCli(),
        [
          'server',
          'start-dev',
          '--ip',
          '127.0.0.1',
          '--port',
          String(port),
          '--headless',
          '--db-filename',
          dbFile,
          '--log-level',
          'error',
        ],
        { stdio: 'ignore' },
      );
      // The port first: a client polling a server that is still booting leaves retry timers behind it.
      await eventually('Temporal to accept connections', () => portAccepts(port), 60_000);
      await eventually(
        'Temporal to answer',
        async () => {
          const connection = await Connection.connect({ address: `127.0.0.1:${port}`, connectTimeout: 1_000 }).catch(
            () => undefined,
          );
          if (!connection) return undefined;
          const ok = await connection.workflowService.describeNamespace({ namespace: 'default' }).then(
            () => true,
            () => undefined,
          );
          await connection.close();
          return ok;
        },
        60_000,
      );
    },
    async stop() {
      const exited = new Promise((r) => child?.once('exit', r));
      child?.kill('SIGTERM');
      await exited;
    },
  };
}

let d: ChargebackDesk;
let temporal: ReturnType<typeof temporalServer>;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'refund-desk-temporal-'));
  temporal = temporalServer(await freePort(), path.join(dir, 'temporal.db'));
  await temporal.start();
  d = await startChargebackDesk({ TEMPORAL_ADDRESS: temporal.address });
});

afterAll(async () => {
  await d?.close();
  await temporal?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('chargeback intake while Temporal is away', () => {
  it('stores the event and answers 200 with Temporal stopped, and starts the case once Temporal is back', async () => {
    const a = await disputedAccount(d, 'imaginator');
    await temporal.stop();
    const payload = JSON.stringify(stripeDisputeEvent('created', { id: a.disputeId, paymentIntent: a.paymentIntent }));
    const res = await d.call('POST', '/v1/webhooks/stripe', {
      raw: payload,
      headers: { 'stripe-signature': signStripe(payload, SECRETS.current) },
    });
    expect(res).toMatchObject({ status: 200, body: { received: true, duplicate: false } });
    const stored = await d.db.query<{ handed_over_at: Date | null }>(
      'SELECT handed_over_at FROM processor_events WHERE chargeback_id = $1',
      [a.chargebackId],
    );
    expect(stored.rows).toEqual([{ handed_over_at: null }]);
    expect((await d.call('GET', `/v1/accounts/${a.accountId}`, { bearer: KEYS.agent })).body.status).toBe('active');

    await temporal.start();
    const account = await eventually(
      'the suspension once Temporal is back',
      async () => {
        const r = await d.call('GET', `/v1/accounts/${a.accountId}`, { bearer: KEYS.agent });
        return r.body.status === 'suspended' && r.body;
      },
      90_000,
    );
    expect(account.statusChargebackId).toBe(a.chargebackId);
    const handed = await d.db.query<{ handed: boolean }>(
      'SELECT handed_over_at IS NOT NULL AS handed FROM processor_events WHERE chargeback_id = $1',
      [a.chargebackId],
    );
    expect(handed.rows).toEqual([{ handed: true }]);
  });
});
