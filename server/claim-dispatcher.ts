import type { Client } from '@temporalio/client';
import type { Logger } from 'pino';
import { withTransaction, type Db } from '../db';
import {
  listenForClaimStarts,
  lockDueClaimStarts,
  notifyClaimStarts,
  postponeClaimStart,
  settleClaimStarts,
  type PendingClaimStart,
} from '../db/claim-outbox';
import { startClaimWorkflow } from './temporal';
import type { WorkerMetrics } from '../metrics/desk-metrics';

export interface ClaimDispatcherSettings {
  /** Outbox rows locked per transaction. */
  batchSize: number;
  /** Workflow starts in flight at once within a batch. */
  concurrency: number;
  /** The safety net: how often the outbox is read without a wake-up (a lost NOTIFY, postponed starts). */
  sweepIntervalMs: number;
  /** How long one start may take before it counts as failed and is retried later. */
  startTimeoutMs: number;
}

export const DEFAULT_DISPATCHER_SETTINGS: ClaimDispatcherSettings = {
  batchSize: 100,
  concurrency: 32,
  sweepIntervalMs: 2_000,
  startTimeoutMs: 10_000,
};

export interface ClaimDispatcherDeps {
  db: Db;
  temporal: Client;
  taskQueue: string;
  logger: Logger;
  settings?: Partial<ClaimDispatcherSettings>;
  /** `temporal` shares the worker's connection on `taskQueue`: ask for eager starts (see connectWorkerTemporal). */
  eagerStart?: boolean;
  /** Counts the starts, by whether each was eager (the worker's /metrics). */
  metrics?: Pick<WorkerMetrics, 'claimStarts'>;
}

export interface ClaimDispatcher {
  /** Wakes the dispatcher after a claim commits in this process. */
  nudge(): void;
  /** Starts every due claim now; resolves with how many were started. */
  drain(): Promise<number>;
  /** Stops listening and sweeping, and waits for the batch in flight. */
  stop(): Promise<void>;
}

/** Seconds to wait before the n-th retry of a failed start: 1, 2, 4 … capped at a minute. */
function backoffMs(attempts: number): number {
  return Math.min(60_000, 1_000 * 2 ** Math.min(attempts, 6));
}

/** Runs `work` over `items` with at most `limit` in flight; returns each item's outcome in order. */
async function settleAll<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>) {
  const results: PromiseSettledResult<R>[] = new Array(items.length);
  let next = 0;
  const lane = async () => {
    for (let i = next++; i < items.length; i = next++) {
      results[i] = await work(items[i]!).then(
        (value) => ({ status: 'fulfilled', value }) as const,
        (reason: unknown) => ({ status: 'rejected', reason }) as const,
      );
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  return results;
}

/**
 * Reads the claim outbox and starts each claim's workflow (id claim-<claim id>; a second start is a no-op, so a
 * batch that is started twice after a crash starts nothing twice). Woken right after a claim commits: in-process
 * by a nudge, or from another process by NOTIFY (see `claimStartNotifier`); a periodic sweep is the safety net
 * (a lost notification, postponed starts, a crash's leftovers). Several dispatchers may run: rows are locked
 * FOR UPDATE SKIP LOCKED, and a dispatcher that dies releases its rows with its connection.
 */
export async function startClaimDispatcher(deps: ClaimDispatcherDeps): Promise<ClaimDispatcher> {
  const settings = { ...DEFAULT_DISPATCHER_SETTINGS, ...deps.settings };
  const { db, temporal, taskQueue, logger } = deps;
  let stopped = false;
  let running: Promise<number> | undefined;
  let again = false;

  const startOne = async (claim: PendingClaimStart) => {
    const { eagerly } = await temporal.withDeadline(Date.now() + settings.startTimeoutMs, () =>
      startClaimWorkflow(
        temporal,
        taskQueue,
        claim.claimId,
        { accountId: claim.accountId, policyId: claim.policyId, reason: claim.reason },
        { eager: deps.eagerStart },
      ),
    );
    deps.metrics?.claimStarts.inc({ eager: String(eagerly) });
  };

  /** One batch in one transaction: lock, start, delete the started, postpone the failed. */
  const dispatchBatch = () =>
    withTransaction(db, async (tx) => {
      const batch = await lockDueClaimStarts(tx, taskQueue, settings.batchSize);
      const outcomes = await settleAll(batch, settings.concurrency, startOne);
      const started = batch.filter((_, i) => outcomes[i]!.status === 'fulfilled').map((c) => c.claimId);
      await settleClaimStarts(tx, started);
      for (const [i, claim] of batch.entries()) {
        const outcome = outcomes[i]!;
        if (outcome.status === 'fulfilled') continue;
        const error = (outcome.reason as Error)?.message ?? String(outcome.reason);
        await postponeClaimStart(tx, claim.claimId, error, backoffMs(claim.attempts));
        logger.warn({ claimId: claim.claimId, attempts: claim.attempts + 1, error }, 'claim workflow start failed');
      }
      return { locked: batch.length, started: started.length };
    });

  const drainLoop = async (): Promise<number> => {
    let total = 0;
    do {
      again = false;
      for (;;) {
        const { locked, started } = await dispatchBatch();
        total += started;
        // A short batch means nothing else is due (or the rest is another dispatcher's); a failing batch waits.
        if (locked < settings.batchSize || started < locked || stopped) break;
      }
    } while (again && !stopped);
    return total;
  };

  const drain = (): Promise<number> => {
    if (running) {
      again = true;
      return running;
    }
    running = drainLoop()
      .catch((err: unknown) => {
        logger.error({ err }, 'claim dispatcher could not read the outbox; the next sweep retries');
        return 0;
      })
      .finally(() => (running = undefined));
    return running;
  };
  const nudge = () => {
    if (!stopped) void drain();
  };

  let listener: { close(): Promise<void> } | undefined;
  const listen = async () => {
    try {
      listener = await listenForClaimStarts(db, nudge, (err) => {
        logger.warn({ err }, 'claim outbox LISTEN connection lost; relying on the sweep until it is back');
        listener = undefined;
      });
    } catch (err) {
      logger.warn({ err }, 'could not LISTEN for claim starts; relying on the sweep');
    }
  };
  await listen();
  const sweep = setInterval(() => {
    if (!listener && !stopped) void listen();
    nudge();
  }, settings.sweepIntervalMs);
  sweep.unref();
  // Whatever a crashed or stopped process left behind starts now.
  nudge();

  return {
    nudge,
    drain,
    async stop() {
      stopped = true;
      clearInterval(sweep);
      await listener?.close().catch(() => undefined);
      await running;
    },
  };
}

/** The least time between two NOTIFYs: the claims committed within it share one wake-up (and one batch). */
const NOTIFY_GAP_MS = 20;

/**
 * For a process that takes claims but runs no dispatcher (the API beside a worker process): after a commit, one
 * NOTIFY of its own, coalesced: the first claim after a quiet spell notifies at once, a burst sends one per
 * `gapMs`. It is never part of the claim's transaction: a notifying transaction holds a database-wide lock through
 * its commit, which would serialize claims.
 */
export function claimStartNotifier(db: Db, logger: Logger, gapMs = NOTIFY_GAP_MS): () => void {
  let sending = false;
  let pending = false;
  const send = (): void => {
    sending = true;
    pending = false;
    void notifyClaimStarts(db)
      .catch((err: unknown) => logger.warn({ err }, 'could not notify the claim dispatchers; their sweep will do'))
      .finally(() => {
        setTimeout(() => {
          sending = false;
          if (pending) send();
        }, gapMs).unref();
      });
  };
  return () => {
    if (sending) pending = true;
    else send();
  };
}
