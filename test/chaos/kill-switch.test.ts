import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { KillPlan } from '../../chaos/kill-switch';

/** Runs two issueCredit activities of `workflowId` through the armed kill switch in a child process. */
function runChild(plan: KillPlan | null, workflowId = 'claim-clm_1') {
  const trace = path.join(mkdtempSync(path.join(tmpdir(), 'kill-switch-')), 'trace.ndjson');
  const child = spawnSync(
    process.execPath,
    ['--import', 'tsx', path.join(__dirname, 'kill-child.ts'), JSON.stringify(plan), trace, workflowId],
    { encoding: 'utf8', cwd: path.resolve(__dirname, '..', '..') },
  );
  const traced = readFileSync(trace, 'utf8').split('\n').filter(Boolean);
  return { signal: child.signal, stdout: child.stdout, traced };
}

const plan = (phase: 'before' | 'after', occurrence: number): KillPlan => ({
  workflowIds: ['claim-clm_1'],
  activity: 'issueCredit',
  occurrence,
  phase,
});

describe('the chaos kill switch', () => {
  it('SIGKILLs the process before the planned run of the activity does anything', () => {
    const run = runChild(plan('before', 2));
    expect(run.signal).toBe('SIGKILL');
    expect(run.stdout).toBe('ran 1\n');
    expect(run.traced).toHaveLength(2);
  });

  it('SIGKILLs the process after the work of the planned run is done, before its result is returned', () => {
    const run = runChild(plan('after', 1));
    expect(run.signal).toBe('SIGKILL');
    expect(run.stdout).toBe('ran 1\n');
  });

  it('leaves other workflows and an unarmed worker alone, and traces every start with isLocal', () => {
    for (const run of [runChild(plan('before', 1), 'claim-clm_other'), runChild(null)]) {
      expect(run.signal).toBeNull();
      expect(run.stdout).toBe('ran 1\nran 2\nsurvived\n');
      expect(JSON.parse(run.traced[0]!)).toMatchObject({ activity: 'issueCredit', isLocal: true, attempt: 1 });
    }
  });
});
