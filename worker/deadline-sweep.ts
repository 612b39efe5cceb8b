import type { Logger } from 'pino';
import type { ActivityDeps } from '../activities/deps';
import { sweptAlert, sweptDeadlineKey, sweptFiring } from '../activities/deadline-firing';
import { createStaffAlerts } from '../activities/notifications';
import { withTransaction } from '../db';
import { claimDueDeadlines, lockUnalertedFirings, markAlerted, recordDeadlineFirings } from '../db/deadline-sweep';

export interface DeadlineSweepSettings {
  /** How often due deadlines are looked for: the bound on how late an escalation is recorded. */
  intervalMs: number;
  /** Deadlines fired per transaction. */
  batchSize: number;
  /** Staff alerts locked per transaction, and sent at most this many at once. */
  alertBatchSize: number;
  alertConcurrency: number;
}

export const DEFAULT_SWEEP_SETTINGS: DeadlineSweepSettings = {
  intervalMs: 1_000,
  batchSize: 500,
  alertBatchSize: 50,
  alertConcurrency: 5,
};

export interface DeadlineSweep {
  /** Fires every due deadline now, after the round in flight; resolves with how many it fired. */
  fireDue(): Promise<number>;
  /** Sends every pending staff alert now, after the round in flight; resolves with how many it sent. */
  sendAlerts(): Promise<number>;
  /** Stops both loops and waits for the rounds in flight. */
  stop(): Promise<void>;
}

/**
 * The review and payout deadlines of all claims, fired in batches: one transaction records the events, escalation
 * marks and breaches of up to `batchSize` deadlines, and the staff alerts follow in a loop of their own, so slow SMTP
 * never delays a firing. Each claim workflow keeps a timer per deadline as the backstop (workflows/sla.ts); whichever
 * fires first marks the row, and the other records and sends nothing. Several workers may sweep: rows are locked
 * FOR UPDATE SKIP LOCKED.
 */
export function startDeadlineSweep(deps: {
  activityDeps: ActivityDeps;
  logger: Logger;
  settings?: Partial<DeadlineSweepSettings>;
}): DeadlineSweep {
  const settings = { ...DEFAULT_SWEEP_SETTINGS, ...deps.settings };
  const { db } = deps.activityDeps;
  const sendStaffAlert = createStaffAlerts(deps.activityDeps);
  // A stopping worker finishes the batch in hand and leaves the rest to the next sweep.
  let stopping = false;

  const fireBatch = () =>
    withTransaction(db, async (tx) => {
      const due = await claimDueDeadlines(tx, settings.batchSize);
      await recordDeadlineFirings(
        tx,
        due.map((d) => sweptFiring(d.claimId, d.deadline)),
      );
      return due.length;
    });

  /** One batch of alerts in one transaction: the sent are marked, a failed one waits for the next round. */
  const alertBatch = () =>
    withTransaction(db, async (tx) => {
      const pending = await lockUnalertedFirings(tx, settings.alertBatchSize);
      const sent: typeof pending = [];
      for (let i = 0; i < pending.length; i += settings.alertConcurrency) {
        const lane = pending.slice(i, i + settings.alertConcurrency);
        const outcomes = await Promise.allSettled(
          lane.map(({ claimId, deadline }) =>
            sendStaffAlert(claimId, sweptDeadlineKey(deadline), sweptAlert(deadline)),
          ),
        );
        outcomes.forEach((o, j) => {
          if (o.status === 'fulfilled') sent.push(lane[j]!);
          else deps.logger.warn({ claimId: lane[j]!.claimId, err: o.reason as Error }, 'staff alert not sent');
        });
      }
      await markAlerted(tx, sent);
      return { locked: pending.length, sent: sent.length };
    });

  const fireAll = async () => {
    let total = 0;
    for (let fired = settings.batchSize; fired === settings.batchSize && !stopping; total += fired)
      fired = await fireBatch();
    if (total) alerts.kick();
    return total;
  };
  const sendAll = async () => {
    let total = 0;
    for (;;) {
      const { locked, sent } = await alertBatch();
      total += sent;
      if (locked < settings.alertBatchSize || sent < locked || stopping) return total;
    }
  };

  const firing = repeatEvery(settings.intervalMs, fireAll, deps.logger, 'deadline sweep failed');
  const alerts = repeatEvery(settings.intervalMs, sendAll, deps.logger, 'staff alerts failed');
  return {
    fireDue: firing.runNow,
    sendAlerts: alerts.runNow,
    async stop() {
      stopping = true;
      await Promise.all([firing.stop(), alerts.stop()]);
    },
  };
}

/**
 * Runs `round` every `intervalMs`, one round at a time. `runNow` queues a round at once and answers with its result;
 * `kick` does the same unless a kicked round is already waiting. A failed round is logged, and the next one retries.
 */
function repeatEvery<T>(intervalMs: number, round: () => Promise<T>, logger: Logger, failure: string) {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let chain: Promise<void> = Promise.resolve();
  let kicked = false;
  const schedule = () => {
    clearTimeout(timer);
    if (!stopped) timer = setTimeout(() => void runNow().catch(() => undefined), intervalMs);
  };
  const runNow = (): Promise<T> => {
    clearTimeout(timer);
    const next = chain.then(round);
    chain = next.then(
      () => schedule(),
      (err: unknown) => {
        logger.warn({ err }, failure);
        schedule();
      },
    );
    return next;
  };
  schedule();
  return {
    runNow,
    kick() {
      if (kicked || stopped) return;
      kicked = true;
      void runNow()
        .catch(() => undefined)
        .finally(() => (kicked = false));
    },
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await chain;
    },
  };
}
