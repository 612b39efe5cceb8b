import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { MockActivityEnvironment } from '@temporalio/testing';
import { createActivities } from '../../activities';
import { createSmtpMailer } from '../../adapters/mailer';
import type { Assessment } from '../../common/claim';
import { PolicyStore } from '../../db/policies';
import { useActivityWorld, type ActivityWorld } from './activity-harness';

const currentWorld = useActivityWorld();
const activity = new MockActivityEnvironment();
let world: ActivityWorld;
beforeAll(() => {
  world = currentWorld();
});

/** A policies folder whose pixazo-api pack differs from the published one: automatic decisions stop at 50. */
function draftPoliciesDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'policies-'));
  const pack = JSON.parse(readFileSync(path.join(__dirname, '../../policies/pixazo-api.json'), 'utf8'));
  pack.autoDecision.maxAmountMinor = 50;
  writeFileSync(path.join(dir, 'pixazo-api.json'), JSON.stringify(pack));
  return dir;
}

describe('policy versions', () => {
  it('decides a claim under the version it was submitted under, even after a new version is published', async () => {
    await world.db.query(
      `INSERT INTO usage_requests (request_id, account_id, endpoint, http_status, outcome, amount_minor, currency, output_delivered, started_at)
       VALUES ('req_v', 'acct_t', '/v1/generate', 502, 'error', 120, 'USD', false, '2026-11-19T12:00:00Z')`,
    );
    const before = await world.newClaim();
    await world.db.query(`UPDATE claims SET request_ids = '{req_v}' WHERE id = $1`, [before]);
    const original = world.policies.current('pixazo-api')!;

    // Publish a new version, as a restarted worker would, and build the activities on it.
    const republished = await PolicyStore.open(world.db, draftPoliciesDir());
    const next = republished.current('pixazo-api')!;
    expect(next.version).not.toBe(original.version);
    const activities = createActivities({
      db: world.db,
      policies: republished,
      payments: world.processor,
      mailer: createSmtpMailer({ host: '127.0.0.1', port: world.sink.smtpPort, from: 'desk@test.example' }),
      staffMailboxes: { lead: 'lead@test.example', finance: 'finance@test.example' },
    });
    const after = await world.newClaim();
    await world.db.query(`UPDATE claims SET request_ids = '{req_v}', policy_version = $2 WHERE id = $1`, [
      after,
      next.version,
    ]);

    const pinnedToOriginal: Assessment = await activity.run(activities.assessClaim, { claimId: before });
    const pinnedToNext: Assessment = await activity.run(activities.assessClaim, { claimId: after });
    expect(pinnedToOriginal).toMatchObject({
      kind: 'decided',
      decision: { outcome: 'approved', policy: { version: original.version } },
    });
    expect(pinnedToNext).toMatchObject({ kind: 'needs_review', proposal: { policy: { version: next.version } } });
    const versions = await world.db.query(
      "SELECT version FROM policy_versions WHERE policy_id = 'pixazo-api' ORDER BY published_at",
    );
    expect(versions.rows.map((r) => r.version)).toEqual([original.version, next.version]);
  });
});
