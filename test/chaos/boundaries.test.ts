import { allBoundaries, killRounds, sequenceOf, type PathSequence } from '../../chaos/boundaries';
import type { TraceLine } from '../../chaos/kill-switch';

const line = (workflowId: string, activity: string, isLocal = false): TraceLine => ({
  workflowId,
  activity,
  isLocal,
  attempt: 1,
});

describe('chaos boundaries from a clean run', () => {
  const trace = [
    line('claim-a', 'notifyCustomer'),
    line('claim-b', 'notifyCustomer'),
    line('claim-a', 'recordTransition'),
    line('claim-a', 'notifyCustomer'),
    line('claim-a', 'applyDisputeEvent', true),
  ];

  it("numbers each activity's runs within its own workflow, as the kill switch counts them", () => {
    expect(sequenceOf('credit', trace, 'claim-a').activities).toEqual([
      { activity: 'notifyCustomer', occurrence: 1, isLocal: false },
      { activity: 'recordTransition', occurrence: 1, isLocal: false },
      { activity: 'notifyCustomer', occurrence: 2, isLocal: false },
      { activity: 'applyDisputeEvent', occurrence: 1, isLocal: true },
    ]);
  });

  it('has a boundary before and after every activity, local activities included', () => {
    const boundaries = allBoundaries([sequenceOf('credit', trace, 'claim-a')]);
    expect(boundaries).toHaveLength(8);
    expect(boundaries.slice(-2)).toEqual([
      { path: 'credit', activity: 'applyDisputeEvent', occurrence: 1, isLocal: true, phase: 'before' },
      { path: 'credit', activity: 'applyDisputeEvent', occurrence: 1, isLocal: true, phase: 'after' },
    ]);
  });

  const sequences: PathSequence[] = [
    { path: 'credit', activities: ['a', 'b', 'c'].map((activity) => ({ activity, occurrence: 1, isLocal: false })) },
    { path: 'payout', activities: ['d', 'e'].map((activity) => ({ activity, occurrence: 1, isLocal: false })) },
  ];

  it('kills at every boundary once when asked for as many kills as there are boundaries', () => {
    const all = allBoundaries(sequences);
    const rounds = killRounds(all, all.length);
    expect(new Set(rounds)).toEqual(new Set(all));
    expect(rounds.slice(0, 2).map((r) => r.path)).toEqual(['credit', 'payout']);
  });

  it('repeats the boundaries to reach a larger count, and spreads a smaller one over both paths', () => {
    const all = allBoundaries(sequences);
    expect(killRounds(all, 25)).toHaveLength(25);
    const few = killRounds(all, 4);
    expect(new Set(few.map((r) => r.path))).toEqual(new Set(['credit', 'payout']));
  });
});
