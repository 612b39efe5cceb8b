import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { Worker } from '@temporalio/worker';
import { quietRuntime, workflowBundle } from '../workflows/workflow-harness';
import { HISTORIES_DIR } from './chargeback-world';

const histories = readdirSync(HISTORIES_DIR)
  .filter((f) => f.endsWith('.json'))
  .sort();

beforeAll(() => quietRuntime());

/**
 * Recorded chargeback histories must replay against today's workflow code; a failure means a change
 * would break disputes in flight: guard it with patched(). Re-record with RECORD_HISTORIES=1 npx jest test/chargebacks.
 */
describe('replay of recorded chargeback histories', () => {
  it('has recorded histories to replay', () => {
    expect(histories.length).toBeGreaterThanOrEqual(7);
  });

  it.each(histories)('%s replays without nondeterminism', async (file) => {
    const history = historyFromJSON(JSON.parse(readFileSync(path.join(HISTORIES_DIR, file), 'utf8')));
    await expect(
      Worker.runReplayHistory({ workflowBundle: await workflowBundle() }, history, path.basename(file, '.json')),
    ).resolves.toBeUndefined();
  });
});
