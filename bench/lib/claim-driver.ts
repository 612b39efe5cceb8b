/**
 * Submits claims through the real HTTP API (`POST /v1/claims`) with a bounded number in flight, and follows
 * each one in PostgreSQL (one status query per tick for all claims in flight, so following them costs the API
 * nothing) until it reaches the status the benchmark waits for. A claim holds its slot until then: a closed
 * loop, which measures how many claims per second the system completes.
 */
import { claimStatuses } from '../../db/bench-figures';
import type { Db } from '../../db';

export interface DriveOptions {
  apiUrl: string;
  db: Db;
  bodies: readonly object[];
  /** Claims submitted and not yet done at any time. */
  inFlight: number;
  /** The status (or statuses) a claim is done at; any other final status counts as a failure. */
  doneAt: readonly string[];
  /** Statuses after which a claim will not reach `doneAt`. */
  finalStatuses: readonly string[];
  idPrefix: string;
  log(message: string): void;
  /** Give up on claims not done this long after the last progress. */
  stallMs?: number;
}

export interface DriveResult {
  claimIds: string[];
  done: number;
  /** Claims that ended in another final status, or never got done, by status. */
  failed: Record<string, number>;
  httpErrors: number;
  /** From the first POST to the last claim done. */
  elapsedMs: number;
  /** POST /v1/claims round trips, ms. */
  postMs: number[];
}

export async function driveClaims(options: DriveOptions): Promise<DriveResult> {
  const { apiUrl, db, bodies, inFlight, doneAt, finalStatuses, log } = options;
  const stallMs = options.stallMs ?? 120_000;
  const waiting = new Map<string, (status: string) => void>();
  const claimIds: string[] = [];
  const failed: Record<string, number> = {};
  const postMs: number[] = [];
  let done = 0;
  let httpErrors = 0;
  let lastProgress = Date.now();
  let next = 0;
  let stopped = false;

  const poller = (async () => {
    while (!stopped) {
      await new Promise((r) => setTimeout(r, 200));
      if (waiting.size === 0) continue;
      const statuses = await claimStatuses(db, [...waiting.keys()]);
      for (const [id, status] of statuses) {
        if (doneAt.includes(status) || finalStatuses.includes(status)) {
          waiting.get(id)?.(status);
          waiting.delete(id);
          lastProgress = Date.now();
        }
      }
      if (Date.now() - lastProgress > stallMs) {
        for (const [id, settle] of waiting) settle(statuses.get(id) ?? 'not_found');
        waiting.clear();
      }
    }
  })();

  async function submit(index: number): Promise<string | undefined> {
    for (let attempt = 1; attempt <= 5; attempt++) {
      const t0 = performance.now();
      const res = await fetch(`${apiUrl}/v1/claims`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'idempotency-key': `${options.idPrefix}-${index}` },
        body: JSON.stringify(bodies[index]),
      }).catch((err: Error) => ({ ok: false, status: 0, text: async () => err.message, json: async () => ({}) }));
      postMs.push(performance.now() - t0);
      if (res.ok) return ((await res.json()) as { claimId: string }).claimId;
      httpErrors++;
      if (httpErrors <= 5) log(`[bench] POST /v1/claims answered ${res.status}: ${(await res.text()).slice(0, 200)}`);
      await new Promise((r) => setTimeout(r, 250 * attempt));
    }
    return undefined;
  }

  const started = performance.now();
  const lane = async () => {
    for (let i = next++; i < bodies.length; i = next++) {
      const claimId = await submit(i);
      if (!claimId) {
        failed.http = (failed.http ?? 0) + 1;
        continue;
      }
      claimIds.push(claimId);
      const status = await new Promise<string>((resolve) => waiting.set(claimId, resolve));
      if (doneAt.includes(status)) done++;
      else failed[status] = (failed[status] ?? 0) + 1;
      if ((done + Object.values(failed).reduce((a, b) => a + b, 0)) % 500 === 0)
        log(`[bench] ${done} / ${bodies.length} claims done (${((performance.now() - started) / 1000).toFixed(0)} s)`);
    }
  };
  await Promise.all(Array.from({ length: Math.min(inFlight, bodies.length) }, lane));
  const elapsedMs = performance.now() - started;
  stopped = true;
  await poller;
  return { claimIds, done, failed, httpErrors, elapsedMs, postMs };
}
