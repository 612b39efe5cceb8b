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
 * Every recorded history of the main claim paths must replay against today's workflow code.
 * A failure here means a change would break claims already in flight: guard it with patched().
 */
describe('replay of recorded claim histories', () => {
  it('has recorded histories to replay', () => {
    expect(histories.length).toBeGreaterThanOrEqual(8);
  });

  it.each(histories)('%s replays without nondeterminism', async (file) => {
    const history = historyFromJSON(JSON.parse(readFileSync(path.join(HISTORIES_DIR, file), 'utf8')));
    await expect(
      Worker.runReplayHistory({ workflowBundle: await workflowBundle() }, history, path.basename(file, '.json')),
    ).resolves.toBeUndefined();
  });
});
