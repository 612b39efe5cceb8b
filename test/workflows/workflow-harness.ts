import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import {
  bundleWorkflowCode,
  DefaultLogger,
  makeTelemetryFilterString,
  Runtime,
  Worker,
  type WorkflowBundle,
} from '@temporalio/worker';
import type { WorkflowHandle } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { ulid } from 'ulid';
import { CLAIM_SEARCH_ATTRIBUTES } from '../../common/search-attributes';
import type { RefundDeskActivities } from '../../activities';
import type { Actor, Assessment, ClaimStatus, Decision, DecisionReason } from '../../common/claim';
import { CLAIM_WORKFLOW_TYPE, CLAIM_WORKFLOW_TYPES, claimWorkflowId, TASK_QUEUE } from '../../common/ids';
import { CLAIM_FLOW_REVISION, claimStateQuery, type ClaimWorkflowInput } from '../../common/messages';
import type { claimWorkflowV2 } from '../../workflows';

/** Recorded histories of the main paths, replayed by test/replay to catch nondeterministic changes. */
export const HISTORIES_DIR = path.resolve(__dirname, '..', 'histories');

let bundle: Promise<WorkflowBundle> | undefined;

/** Bundles the workflows once per test file; webpack is the slow part of starting a worker. */
export function workflowBundle(): Promise<WorkflowBundle> {
  bundle ??= bundleWorkflowCode({
    workflowsPath: require.resolve('../../workflows'),
    logger: new DefaultLogger('WARN'),
  });
  return bundle;
}

/** Keeps test output to what matters: the SDK and Core log only errors. */
export function quietRuntime(): void {
  Runtime.install({
    logger: new DefaultLogger('ERROR'),
    telemetryOptions: { logging: { filter: makeTelemetryFilterString({ core: 'ERROR' }), forward: {} } },
  });
}

export async function testWorker(env: TestWorkflowEnvironment, activities: RefundDeskActivities, taskQueue: string) {
  return Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle: await workflowBundle(),
    activities,
  });
}

export function uniqueTaskQueue(): string {
  return `${TASK_QUEUE}-test-${ulid()}`;
}

/** Starts a claim as the current type, or as `claimWorkflow` (the frozen type older claims still run as). */
export async function startClaim(
  env: TestWorkflowEnvironment,
  taskQueue: string,
  type: (typeof CLAIM_WORKFLOW_TYPES)[number] = CLAIM_WORKFLOW_TYPE,
) {
  const claimId = `clm_${ulid()}`;
  const handle = await env.client.workflow.start<typeof claimWorkflowV2>(type, {
    taskQueue,
    workflowId: claimWorkflowId(claimId),
    // As the dispatcher starts them (server/temporal.ts); the frozen type ignores the revision.
    args: [{ claimId, flowRevision: CLAIM_FLOW_REVISION }],
  });
  return { claimId, handle };
}

/** Polls the workflow's status query until it reports `status` (queries do not move the test clock). */
export async function waitForStatus(handle: WorkflowHandle, status: ClaimStatus, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const state = await handle.query(claimStateQuery);
    if (state.status === status) return;
    if (Date.now() > deadline) throw new Error(`claim stayed ${state.status}, expected ${status}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const REVIEW_REASON: DecisionReason = {
  code: 'needs_person',
  clause: '§5.3',
  quote:
    'Pixazo will investigate the claim and, upon verification, process the refund or credit within ten (10) business days.',
  message: 'A person must check this claim.',
};

export function proposal(overrides: Partial<Decision> = {}): Decision {
  return {
    outcome: 'approved',
    amount: { amountMinor: 240, currency: 'USD' },
    remedy: 'credit',
    reasons: [REVIEW_REASON],
    arithmetic: ['240 USD minor units claimed'],
    findings: [],
    decidedBy: { type: 'system', id: 'policy-engine' },
    policy: { id: 'pixazo-api', version: 'test' },
    ...overrides,
  };
}

export function needsReview(p: Decision = proposal()): Assessment {
  return { kind: 'needs_review', proposal: p, why: [REVIEW_REASON] };
}

export const LEAD: Actor = { type: 'staff', id: 'lead:test' };
export const FINANCE: Actor = { type: 'staff', id: 'finance:test' };

/**
 * With RECORD_HISTORIES=1 the workflow tests write each finished run's history to test/histories, named
 * after the workflow type, its flow revision and the test (`claimV2r1-…`; `claimV2-…` files are runs without
 * a revision, `claim-…` files the frozen claimWorkflow's).
 * Re-record only when a change is meant to be incompatible (and then patch() or version the type).
 */
export async function recordHistoriesIfAsked(suite: string, handles: readonly WorkflowHandle[]): Promise<void> {
  if (!process.env.RECORD_HISTORIES) return;
  const testName = (expect.getState().currentTestName ?? 'unnamed').replace(suite, '');
  const slug = testName
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 80);
  await mkdir(HISTORIES_DIR, { recursive: true });
  for (const [i, handle] of handles.entries()) {
    const history = await handle.fetchHistory();
    const started = history.events?.[0]?.workflowExecutionStartedEventAttributes;
    const input = started?.input?.payloads?.[0]?.data;
    const revision = input ? (JSON.parse(Buffer.from(input).toString('utf8')) as ClaimWorkflowInput).flowRevision : 0;
    const type = started?.workflowType?.name;
    const prefix = type === CLAIM_WORKFLOW_TYPE ? `claimV2${revision ? `r${revision}` : ''}` : 'claim';
    await writeFile(path.join(HISTORIES_DIR, `${prefix}-${slug}${i ? `-${i}` : ''}.json`), historyToJSON(history));
  }
}

/**
 * The claim workflow keeps its search attributes current, and the time-skipping server (like any server)
 * refuses unregistered ones; register them through its operator service as the dev stack does for the dev server.
 */
export async function registerClaimSearchAttributes(env: TestWorkflowEnvironment): Promise<void> {
  const types = {
    Keyword: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
    Bool: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_BOOL,
  };
  await env.connection.operatorService.addSearchAttributes({
    namespace: env.namespace ?? 'default',
    searchAttributes: Object.fromEntries(CLAIM_SEARCH_ATTRIBUTES.map((a) => [a.name, types[a.cliType]])),
  });
}
