import type { Client } from '@temporalio/client';
import { chargebackWorkflowId, disputeEventSignal, type ChargebackWorkflowInput } from '../common/chargeback';
import type { Db } from '../db';
import { markHandedOver, pendingHandovers, storeProcessorEvent, type PendingEvent } from '../db/chargeback-inbox';
import type { DisputeFacts } from '../domain/chargebacks';
import type { chargebackWorkflow } from '../workflows';
import type { Logger } from 'pino';

export interface ChargebackIntakeDeps {
  db: Db;
  temporal: Client;
  taskQueue: string;
  logger: Logger;
}

/** How long one hand-over may wait for Temporal before the sweep takes over. */
const HANDOVER_DEADLINE_MS = 5_000;

/** Hand-overs still talking to Temporal; the connection must not close under them (its retry timers would throw). */
const handoversInFlight = new Set<Promise<unknown>>();

function track<T>(work: Promise<T>): Promise<T> {
  handoversInFlight.add(work);
  void work.finally(() => handoversInFlight.delete(work)).catch(() => {});
  return work;
}

/** Resolves once every hand-over under way has finished or given up (each is bounded by its deadline). */
export async function settleHandovers(): Promise<void> {
  while (handoversInFlight.size) await Promise.allSettled([...handoversInFlight]);
}

/** Signals the event to its case's workflow, starting it if needed (signal-with-start), then marks it handed over. */
export async function handOverEvent(deps: ChargebackIntakeDeps, e: PendingEvent): Promise<void> {
  const input: ChargebackWorkflowInput = { chargebackId: e.chargebackId };
  await deps.temporal.connection.withDeadline(Date.now() + HANDOVER_DEADLINE_MS, () =>
    deps.temporal.workflow.signalWithStart<typeof chargebackWorkflow, [{ processor: string; eventId: string }]>(
      'chargebackWorkflow',
      {
        taskQueue: deps.taskQueue,
        workflowId: chargebackWorkflowId(e.chargebackId),
        args: [input],
        signal: disputeEventSignal,
        signalArgs: [{ processor: e.processor, eventId: e.eventId }],
      },
    ),
  );
  await markHandedOver(deps.db, e.processor, e.eventId);
}

/** What receiving an event did. */
export interface Receipt {
  chargebackId: string;
  duplicate: boolean;
}

/**
 * Stores the event (the only step the answer waits for), then hands it over in the background:
 * a failed hand-over is left to the next redelivery or the sweep, so nothing stored is dropped.
 */
export async function receiveDisputeEvent(
  deps: ChargebackIntakeDeps,
  facts: DisputeFacts,
  payload: unknown,
): Promise<Receipt> {
  const stored = await storeProcessorEvent(deps.db, facts, payload);
  if (!stored.handedOver) {
    void track(
      handOverEvent(deps, {
        processor: facts.processor,
        eventId: facts.eventId,
        chargebackId: stored.chargebackId,
      }),
    ).catch((err: unknown) =>
      deps.logger.warn(
        { err: (err as Error).message, eventId: facts.eventId, chargebackId: stored.chargebackId },
        'chargeback event stored; hand-over deferred to the sweep',
      ),
    );
  }
  return { chargebackId: stored.chargebackId, duplicate: !stored.isNew };
}

/** Hands over every stored event not yet handed over; stops at the first failure (Temporal is likely away). */
export async function handOverPendingEvents(deps: ChargebackIntakeDeps): Promise<number> {
  let handed = 0;
  for (const e of await pendingHandovers(deps.db)) {
    await handOverEvent(deps, e);
    handed += 1;
  }
  return handed;
}

/** Runs the sweep now and every `intervalMs`; returns a stop function that waits for the hand-overs under way. */
export function startChargebackSweep(deps: ChargebackIntakeDeps, intervalMs: number): () => Promise<void> {
  let running = false;
  const sweep = async () => {
    if (running) return;
    running = true;
    try {
      const handed = await handOverPendingEvents(deps);
      if (handed) deps.logger.info({ handed }, 'handed stored chargeback events to their workflows');
    } catch (err) {
      deps.logger.warn({ err: (err as Error).message }, 'chargeback sweep could not reach Temporal; retrying later');
    } finally {
      running = false;
    }
  };
  void track(sweep());
  const timer = setInterval(() => void track(sweep()), intervalMs);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await settleHandovers();
  };
}
