// Run by kill-switch.test.ts in a child process: arms the kill switch and runs one activity through it.
import type { ActivityInboundCallsInterceptor, ActivityInterceptorsFactory } from '@temporalio/worker';
import { chaosKillSwitch, type KillPlan } from '../../chaos/kill-switch';

type Context = Parameters<ActivityInterceptorsFactory>[0];
type Input = Parameters<NonNullable<ActivityInboundCallsInterceptor['execute']>>[0];

async function main() {
  const [planJson, traceFile, workflowId] = process.argv.slice(2);
  const plan = JSON.parse(planJson!) as KillPlan | null;
  // Only the fields the kill switch reads; the worker passes the SDK's full context.
  const ctx = { info: { workflowExecution: { workflowId }, activityType: 'issueCredit', isLocal: true, attempt: 1 } };
  const inbound = chaosKillSwitch({ plan }, traceFile!)(ctx as unknown as Context).inbound!;
  for (let i = 0; i < 2; i++) {
    await inbound.execute!({ args: [], headers: {} } as Input, async () => {
      process.stdout.write(`ran ${i + 1}\n`);
      return 'ok';
    });
  }
  process.stdout.write('survived\n');
}

void main();
