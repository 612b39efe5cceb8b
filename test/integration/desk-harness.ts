import { ulid } from 'ulid';
import { createDb, type Db } from '../../db';
import { startMailSink, type MailSink } from '../../mail/sink';
import { loadConfig } from '../../wiring/config';
import { submissionToken } from '../../server/claim-token';
import { startRefundDesk, type RunningDesk } from '../../wiring/desk';

export const KEYS = {
  operator: 'it-operator-key',
  agent: 'it-agent-key',
  lead: 'it-lead-key',
  finance: 'it-finance-key',
} as const;

export interface Desk {
  desk: RunningDesk;
  sink: MailSink;
  db: Db;
  /** This desk's own task queue (its workflows and worker). */
  taskQueue: string;
  /** The claim's customer token, as the status link in its acknowledgement mail carries it. */
  claimToken(claimId: string): string;
  call(
    method: string,
    path: string,
    options?: { body?: unknown; bearer?: string; headers?: Record<string, string>; raw?: string },
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- responses are asserted field by field
  ): Promise<{ status: number; body: any }>;
  close(): Promise<void>;
}

/**
 * The whole product in-process against the real services the global setup started:
 * PostgreSQL, the Temporal dev server, and a real SMTP listener. A task queue of its own keeps
 * test files from picking up each other's workflows. `env` overrides the configuration (e.g. DATABASE_URL).
 */
export async function startDesk(
  env: Record<string, string> = {},
  options: Parameters<typeof startRefundDesk>[1] = {},
): Promise<Desk> {
  const sink = await startMailSink({ smtpPort: 0, httpPort: 0 });
  const taskQueue = `it-${ulid()}`;
  const config = loadConfig({
    ...process.env,
    INBOUND_SMTP_PORT: '-1', // the email tests turn the inbound listener on (port 0)
    // Tests that check an action's result wait for it on a loaded CI machine; action-bound.test.ts checks the bound itself.
    CHARGEBACK_ACTION_WAIT_MS: '25000',
    ...env,
    PORT: '0',
    SMTP_PORT: String(sink.smtpPort),
    TEMPORAL_TASK_QUEUE: taskQueue,
    LOG_LEVEL: 'error',
    STAFF_API_KEYS: Object.entries(KEYS)
      .map(([role, key]) => `${role}:it-${role}:${key}`)
      .join(','),
  });
  const desk = await startRefundDesk(config, options);
  const db = createDb(config.databaseUrl, 2);
  return {
    desk,
    sink,
    db,
    taskQueue,
    // As the acknowledgement mail's link carries it: issued when the claim was submitted.
    claimToken: (claimId) => submissionToken(config.claimTokenSecret, claimId),
    async call(method, path, options = {}) {
      const headers: Record<string, string> = { ...options.headers };
      if (options.body !== undefined) headers['content-type'] = 'application/json';
      if (options.bearer) headers.authorization = `Bearer ${options.bearer}`;
      // `raw` goes out byte for byte, as a processor's signed webhook must.
      const res = await fetch(`${desk.apiUrl}${path}`, {
        method,
        headers,
        body:
          options.raw ??
          (options.body === undefined
            ? undefined
            : typeof options.body === 'string'
              ? options.body
              : JSON.stringify(options.body)),
      });
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : undefined };
    },
    async close() {
      await desk.close();
      await db.end();
      await sink.stop();
    },
  };
}

/** Polls GET /v1/claims/:id until the claim reaches `status`. */
export async function waitForClaimStatus(d: Desk, claimId: string, token: string, status: string, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { body } = await d.call('GET', `/v1/claims/${claimId}`, { bearer: token });
    if (body?.status === status) return body;
    if (Date.now() > deadline) throw new Error(`claim ${claimId} stayed ${body?.status}, expected ${status}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
