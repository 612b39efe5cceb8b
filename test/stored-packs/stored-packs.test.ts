import { readFileSync } from 'node:fs';
import path from 'node:path';
import { MockActivityEnvironment } from '@temporalio/testing';
import type { Assessment, Deadline } from '../../common/claim';
import { CALIFORNIA_STATE_HOLIDAYS, US_FEDERAL_HOLIDAYS } from '../../domain/calendar/standard-lists';
import { parseStoredPack, policyVersion, PolicyPackError, type PolicyPack } from '../../domain/policy';
import { useActivityWorld, type ActivityWorld } from '../activities/activity-harness';

/** Packs exactly as the store kept them before the format changed (git 80eacad: holidayRegion, countsFrom, old chargebacks fields). */
const stored = (name: string): Record<string, unknown> =>
  JSON.parse(readFileSync(path.join(__dirname, `${name}.before-holiday-lists.json`), 'utf8')) as Record<
    string,
    unknown
  >;
/** The version the store recorded: the content hash of the pack as stored. */
const versionOf = (json: unknown) => policyVersion(json as PolicyPack);

describe('packs stored in an older format', () => {
  it('load under their original version, upgraded to the current format', () => {
    const old = stored('pixazo-api');
    const loaded = parseStoredPack(old, versionOf(old));
    expect(loaded.version).toBe(versionOf(old));
    expect(loaded.pack.calendar.holidays).toEqual(US_FEDERAL_HOLIDAYS);
    expect(loaded.pack.claimWindow).not.toHaveProperty('countsFrom');
    expect(loaded.pack.calendar).not.toHaveProperty('holidayRegion');
  });

  it('gives the US-CA region the California state-office list', () => {
    const old = stored('sora2-api');
    expect(parseStoredPack(old, versionOf(old)).pack.calendar.holidays).toEqual(CALIFORNIA_STATE_HOLIDAYS);
  });

  it('refuses a stored pack whose content no longer matches its version', () => {
    const old = stored('pixazo-api');
    const version = versionOf(old);
    const altered = { ...old, title: 'Pixazo API Services Terms (edited in the database)' };
    expect(() => parseStoredPack(altered, version)).toThrow(/was altered/);
  });

  it('refuses a holiday region it has no list for', () => {
    const old = stored('pixazo-api');
    const odd = { ...old, calendar: { ...(old.calendar as object), holidayRegion: 'DE' } };
    expect(() => parseStoredPack(odd, versionOf(odd))).toThrow(PolicyPackError);
  });
});

describe('a claim pinned to a pack stored in the older format', () => {
  const currentWorld = useActivityWorld();
  const activity = new MockActivityEnvironment();
  let world: ActivityWorld;
  beforeAll(() => {
    world = currentWorld();
  });

  it('is decided under it, and its deadlines skip the observed holidays', async () => {
    const old = stored('pixazo-api');
    const version = versionOf(old);
    await world.db.query('INSERT INTO policy_versions (policy_id, version, pack) VALUES ($1, $2, $3)', [
      'pixazo-api',
      version,
      old,
    ]);
    await world.db.query(
      `INSERT INTO usage_requests (request_id, account_id, endpoint, http_status, outcome, amount_minor, currency, output_delivered, started_at)
       VALUES ('req_old_pack', 'acct_t', '/v1/generate', 502, 'error', 120, 'USD', false, '2026-11-19T12:00:00Z')`,
    );
    const claimId = await world.newClaim();
    await world.db.query(`UPDATE claims SET request_ids = '{req_old_pack}', policy_version = $2 WHERE id = $1`, [
      claimId,
      version,
    ]);

    const assessment: Assessment = await activity.run(world.activities.assessClaim, { claimId });
    expect(assessment).toMatchObject({
      kind: 'decided',
      decision: { outcome: 'approved', policy: { id: 'pixazo-api', version } },
    });

    // Waiting on the customer from Mon 2028-10-30: 10 business days end Tue 14 Nov, past Veterans Day observed (Fri 10).
    const [reply]: Deadline[] = await activity.run(world.activities.planDeadlines, {
      claimId,
      kinds: ['customer_reply' as const],
      from: '2028-10-30T15:00:00Z',
    });
    expect(reply).toMatchObject({ kind: 'customer_reply', businessDays: 10, dueAt: '2028-11-15T04:59:59.999Z' });
  });
});
