import { createWorkerMetrics } from '../metrics/desk-metrics';
import type { ClaimDispatcher } from '../server/claim-dispatcher';
import { claimIntakePort } from '../server/mail-channel';
import { loadConfig } from '../wiring/config';
import { wireRefundDesk } from '../wiring/wire';
import { startDispatcherBesideWorker } from '../wiring/dispatcher';
import { connectWorkerTemporal, createRefundDeskWorker } from '../worker/create-worker';
import { chaosKillSwitch, readKillPlan, type KillPlan } from './kill-switch';

/**
 * The worker process of `npm run chaos`: the production worker (wiring/worker.ts) built from the same wiring,
 * plus the kill switch. It starts as a warm standby: wired, connected and created, it says `ready` and waits
 * for its kill plan on stdin (JSON), so the next worker is up the moment the last one dies. CHAOS_TRACE names
 * where it writes each activity start, CHAOS_WORKFLOW_BUNDLE a pre-built workflow bundle (no webpack per start).
 */
async function main() {
  const { config, db, policies, logger, activityDeps, close } = await wireRefundDesk(loadConfig());
  // One connection for the worker and its dispatcher's eager starts, as in wiring/worker.ts.
  const { connection, client: temporal } = await connectWorkerTemporal(
    config.temporal.address,
    config.temporal.namespace,
  );
  // The claim dispatcher runs in the worker process, as in wiring/worker.ts; a standby starts its own once armed.
  const started: { dispatcher?: ClaimDispatcher } = {};
  const intake = {
    db,
    policies,
    temporal,
    taskQueue: config.temporal.taskQueue,
    claimTokenSecret: config.claimTokenSecret,
    logger,
    onClaimCommitted: () => started.dispatcher?.nudge(),
  };
  const metrics = createWorkerMetrics();
  const bundlePath = process.env.CHAOS_WORKFLOW_BUNDLE;
  const armed: { plan: KillPlan | null } = { plan: null };
  const worker = await createRefundDeskWorker({
    connection,
    namespace: config.temporal.namespace,
    taskQueue: config.temporal.taskQueue,
    deps: { ...activityDeps, claimIntake: claimIntakePort(intake, config.security.rateLimits) },
    metrics,
    ...(bundlePath && { workflowBundle: { codePath: bundlePath } }),
    activityInterceptors: [chaosKillSwitch(armed, process.env.CHAOS_TRACE ?? null)],
  });
  process.stdout.write('chaos-worker: ready\n');
  // A standby has nothing to drain: a stop request ends it at once (the SDK's own handler only stops a running worker).
  const leave = () => process.exit(0);
  process.once('SIGTERM', leave);
  process.once('SIGINT', leave);
  armed.plan = await readKillPlan(process.stdin);
  process.off('SIGTERM', leave);
  process.off('SIGINT', leave);
  const dispatcher = await startDispatcherBesideWorker({ db, logger, config }, temporal, metrics);
  started.dispatcher = dispatcher;
  const running = worker.run();
  // The orchestrator counts the worker as up from this line.
  process.stdout.write('chaos-worker: polling\n');
  await running;
  await dispatcher.stop();
  await connection.close();
  await close();
}

void main().catch((err) => {
  console.error(err);
  process.exit(1);
});
