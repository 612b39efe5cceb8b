import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { Worker } from '@temporalio/worker';
import { HISTORIES_DIR, quietRuntime, workflowBundle } from '../workflows/workflow-harness';

const histories = readdirSync(HISTORIES_DIR)
  .filter((f) => f.endsWith('.json'))
  .sort();

beforeAll(() => quietRuntime());

/**
 * Every recorded history of the main claim paths must replay against today's workflow code: `claim-…` files
 * are runs of the frozen claimWorkflow type (workflows/claim-v1.ts), `claimV2-…` files of claimWorkflowV2 started
 * before flow revisions, `claimV2r1-…` files of its revision 1 (CLAIM_FLOW_REVISION).
 * A failure here means a change would break claims already in flight: guard it with patched().
 */
describe('replay of recorded claim histories', () => {
  it('has recorded histories of both claim workflow types to replay', () => {
    expect(histories.filter((f) => f.startsWith('claim-')).length).toBeGreaterThanOrEqual(8);
    expect(histories.filter((f) => f.startsWith('claimV2-')).length).toBeGreaterThanOrEqual(8);
    expect(histories.filter((f) => f.startsWith('claimV2r1-')).length).toBeGreaterThanOrEqual(8);
  });

  it.each(histories)('%s replays without nondeterminism', async (file) => {
    const history = historyFromJSON(JSON.parse(readFileSync(path.join(HISTORIES_DIR, file), 'utf8')));
    await expect(
      Worker.runReplayHistory({ workflowBundle: await workflowBundle() }, history, path.basename(file, '.json')),
    ).resolves.toBeUndefined();
  });
});
