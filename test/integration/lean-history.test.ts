import { Client, Connection } from '@temporalio/client';
import { CLAIM_PATHS, PathApi } from '../../bench/claim-paths';
import { AUTO_CREDIT_EVENT_TARGET, historySize, type HistorySize } from '../../bench/history-size';
import { CLAIM_WORKFLOW_TYPE, claimWorkflowId } from '../../common/ids';
import { KEYS, startDesk, type Desk } from './desk-harness';

let d: Desk;
let connection: Connection;
let client: Client;

beforeAll(async () => {
  d = await startDesk();
  connection = await Connection.connect({ address: process.env.TEMPORAL_ADDRESS! });
  client = new Client({ connection, namespace: process.env.TEMPORAL_NAMESPACE ?? 'default' });
});

afterAll(async () => {
  await connection?.close();
  await d?.close();
});

/**
 * Issue 11 P5: the lean claim workflow keeps each path's history short. The counts are the engine's cost
 * of a claim (workflow tasks, persistence writes, replay); the figures themselves are in bench/README.md.
 */
describe('claim workflow history size, against Temporal, PostgreSQL and SMTP', () => {
  const sizes = new Map<string, HistorySize>();
  const claims: string[] = [];

  it.each(CLAIM_PATHS.map((p) => [p.name, p] as const))('%s reaches its final status', async (_name, path) => {
    const api = new PathApi(d.desk.apiUrl, KEYS, 60_000, d.claimToken);
    const { claimId, status } = await path.run(api);
    expect(status).toBe(path.ends);
    const description = await client.workflow.getHandle(claimWorkflowId(claimId)).describe();
    expect(description.type).toBe(CLAIM_WORKFLOW_TYPE);
    sizes.set(path.name, await historySize(client, claimId));
    claims.push(claimId);
  });

  it(`credits an automatic claim in at most ${AUTO_CREDIT_EVENT_TARGET} history events`, () => {
    const auto = sizes.get('automatic credit');
    expect(auto).toBeDefined();
    expect(auto!.events).toBeLessThanOrEqual(AUTO_CREDIT_EVENT_TARGET);
    // Short writes are local activities: only the evidence query and the mail batch are activity tasks.
    expect(auto).toMatchObject({ activities: 2, workflowTasks: 3 });
  });

  it('gives every activity task a timeout sized to its work, so a step lost with a worker is retried within seconds', async () => {
    const timeouts = new Map<string, number>();
    for (const claimId of claims) {
      const history = await client.workflow.getHandle(claimWorkflowId(claimId)).fetchHistory();
      for (const e of history.events ?? []) {
        const scheduled = e.activityTaskScheduledEventAttributes;
        if (scheduled) timeouts.set(scheduled.activityType!.name!, Number(scheduled.startToCloseTimeout!.seconds));
      }
    }
    expect([...timeouts.keys()].sort()).toEqual(
      [
        'openEvidenceCheck',
        'requestPayout',
        'runEvidenceCheck',
        'sendCustomerMails',
        'sendMailsThenMove',
        'validateStaffDecision',
      ].sort(),
    );
    for (const [activity, seconds] of timeouts) expect([activity, seconds]).toEqual([activity, 15]);
  });
});
