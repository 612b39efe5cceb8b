/**
 * P5 (issue 11): how many history events and workflow tasks each claim path costs the engine.
 *
 *   npx tsx bench/history-size.ts [--runs 3]
 *
 * Alone it starts its own stack: a throwaway PostgreSQL (bench/lib/database.ts), an in-memory Temporal dev
 * server, a mail sink and Refund Desk (API and worker in one process). Within `npm run bench` it drives the
 * stack it is given. Each path (bench/claim-paths.ts) runs over the HTTP API to its final status; then the
 * claim workflow's history is fetched and its events and WorkflowTaskCompleted events are counted.
 * The counts vary by a few events from run to run (two activities finishing in one workflow task or in two),
 * so each path runs `--runs` times and the maximum is reported. The paths use the dev stack's demo staff keys
 * (OPERATOR_KEY, AGENT_KEY, LEAD_KEY, FINANCE_KEY override them).
 */
import { Client, Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { parseArgs } from 'node:util';
import { claimWorkflowId } from '../common/ids';
import { CLAIM_PATHS, DEMO_PATH_KEYS, PathApi, type PathKeys } from './claim-paths';
import type { BenchFigure, BenchPart, BenchStack } from './lib/suite';

const EventType = temporal.api.enums.v1.EventType;

/** The target for an automatically credited claim. */
export const AUTO_CREDIT_EVENT_TARGET = 25;

/**
 * The same paths on the old type `claimWorkflow` (workflows/claim-v1.ts), measured with this file on 2026-11-22
 * before the lean workflow (bench/README.md). New claims can no longer start as that type, so it is quoted,
 * not re-measured; history counts do not depend on the machine's speed.
 */
const BEFORE_LEAN: Record<string, number> = {
  'automatic credit': 88,
  'automatic denial': 69,
  'review → refund → payout': 160,
  'information request → reply (→ denial)': 158,
  withdrawal: 83,
};

export interface HistorySize {
  events: number;
  workflowTasks: number;
  activities: number;
  localActivities: number;
}

/** Counts a finished claim workflow's history. */
export async function historySize(client: Client, claimId: string): Promise<HistorySize> {
  const handle = client.workflow.getHandle(claimWorkflowId(claimId));
  await handle.result();
  const history = await handle.fetchHistory();
  const events = history.events ?? [];
  const count = (type: number) => events.filter((e) => e.eventType === type).length;
  return {
    events: events.length,
    workflowTasks: count(EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED),
    activities: count(EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED),
    // Core records each local activity's result as a marker of this name (patches are 'core_patch').
    localActivities: events.filter((e) => e.markerRecordedEventAttributes?.markerName === 'core_local_activity').length,
  };
}

/** Runs every path `runs` times and keeps, per path, the largest history seen. */
export async function measurePaths(
  api: PathApi,
  client: Client,
  runs: number,
  log: (m: string) => void,
): Promise<Map<string, HistorySize & { status: string }>> {
  const sizes = new Map<string, HistorySize & { status: string }>();
  for (const path of CLAIM_PATHS) {
    for (let i = 0; i < runs; i++) {
      const { claimId, status } = await path.run(api);
      const size = await historySize(client, claimId);
      log(`[P5] ${path.name} run ${i + 1}: ${size.events} events, ${size.workflowTasks} workflow tasks (${claimId})`);
      const seen = sizes.get(path.name);
      if (!seen || size.events > seen.events) sizes.set(path.name, { ...size, status });
    }
  }
  return sizes;
}

/** The bench's stack starts the API without staff keys: register the path keys the way the demo data does. */
async function registerPathKeys(databaseUrl: string, keys: PathKeys): Promise<void> {
  const { createDb } = await import('../db');
  const { addStaffKeyIfMissing } = await import('../db/staff-keys');
  const { hashKey } = await import('../server/auth');
  const db = createDb(databaseUrl, 1);
  try {
    for (const [role, key] of Object.entries(keys))
      await addStaffKeyIfMissing(db, { keyHash: hashKey(key), name: `bench-p5-${role}`, role });
  } finally {
    await db.end();
  }
}

export const measureHistorySize: BenchPart = async (stack, options) => {
  await registerPathKeys(stack.databaseUrl, DEMO_PATH_KEYS);
  const connection = await Connection.connect({ address: stack.temporalAddress });
  try {
    const client = new Client({ connection, namespace: stack.namespace });
    const sizes = await measurePaths(new PathApi(stack.apiUrl), client, options.quick ? 1 : 3, options.log);
    return [...sizes].map(([name, size]): BenchFigure => {
      const auto = name === 'automatic credit';
      const before = BEFORE_LEAN[name];
      return {
        part: 'P5',
        name: `history events, ${name} (lower is better)`,
        value: size.events,
        unit: 'events',
        ...(before && {
          baseline: {
            name: 'claimWorkflow before the lean workflow (bench/README.md, 2026-11-22)',
            value: before,
            unit: 'events',
          },
          ratio: size.events / before,
        }),
        ...(auto && {
          target: `≤ ${AUTO_CREDIT_EVENT_TARGET} events`,
          met: size.events <= AUTO_CREDIT_EVENT_TARGET,
        }),
        detail: {
          workflowTasks: size.workflowTasks,
          activities: size.activities,
          localActivities: size.localActivities,
          endStatus: size.status,
        },
      };
    });
  } finally {
    await connection.close();
  }
};

/** The stack this file starts when run alone. */
async function startOwnStack(keys: PathKeys, log: (m: string) => void) {
  const { benchDatabase } = await import('./lib/database');
  const { startTemporalDevServer } = await import('../scripts/lib/temporal.mjs');
  const { freePort } = await import('../scripts/lib/proc.mjs');
  const { startMailSink } = await import('../mail/sink');
  const { loadConfig } = await import('../wiring/config');
  const { startRefundDesk } = await import('../wiring/desk');
  const database = await benchDatabase('bench_history', { log });
  const temporalServer = await startTemporalDevServer({
    port: await freePort(),
    headless: true,
    useEnv: true,
    log,
  });
  const sink = await startMailSink({ smtpPort: 0, httpPort: 0 });
  const taskQueue = `bench-history-${process.pid}`;
  const config = loadConfig({
    ...process.env,
    DATABASE_URL: database.url,
    TEMPORAL_ADDRESS: temporalServer.address,
    TEMPORAL_TASK_QUEUE: taskQueue,
    PORT: '0',
    SMTP_PORT: String(sink.smtpPort),
    INBOUND_SMTP_PORT: '-1',
    LOG_LEVEL: 'error',
    STAFF_API_KEYS: Object.entries(keys)
      .map(([role, key]) => `${role}:bench-${role}:${key}`)
      .join(','),
  });
  const desk = await startRefundDesk(config);
  const stack: BenchStack = {
    apiUrl: desk.apiUrl,
    temporalAddress: temporalServer.address,
    namespace: temporalServer.namespace,
    taskQueue,
    databaseUrl: database.url,
  };
  return {
    stack,
    async close() {
      await desk.close();
      await sink.stop();
      await temporalServer.stop();
      await database.close();
    },
  };
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { runs: { type: 'string', default: '3' } } });
  const log = (m: string) => void process.stderr.write(`${m}\n`);
  const own = await startOwnStack(DEMO_PATH_KEYS, log);
  try {
    const connection = await Connection.connect({ address: own.stack.temporalAddress });
    const client = new Client({ connection, namespace: own.stack.namespace });
    const sizes = await measurePaths(new PathApi(own.stack.apiUrl), client, Number(values.runs), log);
    await connection.close();
    const rows = [...sizes].map(
      ([name, s]) =>
        `| ${name} | ${s.status} | ${s.events} | ${s.workflowTasks} | ${s.activities} | ${s.localActivities} |`,
    );
    process.stdout.write(
      [
        `P5, history size (largest of ${values.runs} runs per path)`,
        '| path | ends | events | workflow tasks | activities | local activities |',
        '| --- | --- | --- | --- | --- | --- |',
        ...rows,
        '',
      ].join('\n'),
    );
  } finally {
    await own.close();
  }
}

if (require.main === module) {
  main().catch((err: unknown) => {
    process.stderr.write(`history-size: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exitCode = 1;
  });
}
