/**
 * The baseline's worker process: bench/lib/bare-workflow.ts and its no-op activity, with the same
 * WORKER_* settings (worker/tuning.ts) as the Refund Desk worker it is compared with.
 */
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { workerTuningFromEnv } from '../../worker/tuning';

async function main(): Promise<void> {
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const connection = await NativeConnection.connect({ address: process.env.TEMPORAL_ADDRESS ?? '127.0.0.1:7233' });
  const worker = await Worker.create({
    connection,
    namespace: process.env.TEMPORAL_NAMESPACE ?? 'default',
    taskQueue: process.env.TEMPORAL_TASK_QUEUE ?? 'bench-bare',
    workflowsPath: require.resolve('./bare-workflow'),
    activities: { noop: async () => undefined },
    ...workerTuningFromEnv(),
  });
  await worker.run();
  await connection.close();
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
