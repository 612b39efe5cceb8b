import { ulid } from 'ulid';
import type { Db } from '../../db';
import { KEYS, type Desk } from '../integration/desk-harness';

/**
 * A flood of `count` in-review claims on one fresh pixazo-api account, written straight into PostgreSQL as a bot's
 * claims would leave them (driving hundreds through Temporal would only slow the test). Their SLA due times
 * (`firstDue` + up to 9 hours) are shared by many claims at once, some a few microseconds apart, and every
 * seventh claim has no running deadline at all: the order's ties and gaps are the point.
 */
export async function floodAccount(
  d: Desk,
  count: number,
  firstDue: string,
): Promise<{ accountId: string; claimIds: string[] }> {
  const accountId = `acct_${ulid()}`;
  const put = await d.call('PUT', `/v1/accounts/${accountId}`, {
    bearer: KEYS.operator,
    body: { email: `${accountId.toLowerCase()}@flood.example`, policyId: 'pixazo-api' },
  });
  if (put.status !== 201) throw new Error(`account: ${put.status} ${JSON.stringify(put.body)}`);
  const claimIds = Array.from({ length: count }, () => `clm_${ulid()}`);
  await insertFlood(d.db, accountId, claimIds, firstDue);
  return { accountId, claimIds };
}

async function insertFlood(db: Db, accountId: string, claimIds: string[], firstDue: string): Promise<void> {
  await db.query(
    `INSERT INTO claims (id, account_id, policy_id, policy_version, channel, reason, request_ids, explanation, status,
                         submitted_at)
     SELECT ids.id, $2, 'pixazo-api', pv.version, 'api', 'failed_request', ARRAY['req_' || ids.n], 'flood', 'in_review',
            now() - interval '1 hour'
       FROM unnest($1::text[]) WITH ORDINALITY AS ids (id, n),
            (SELECT version FROM policy_versions WHERE policy_id = 'pixazo-api' ORDER BY published_at DESC LIMIT 1) pv`,
    [claimIds, accountId],
  );
  await db.query(
    `INSERT INTO claim_deadlines (claim_id, kind, due_at, business_days, clause, state)
     SELECT ids.id, k.kind, $2::timestamptz + (ids.n % 10) * interval '1 hour' + (ids.n % 3) * interval '7 microseconds'
            + k.extra, 10, '§5.3', 'open'
       FROM unnest($1::text[]) WITH ORDINALITY AS ids (id, n),
            (VALUES ('review', interval '0'), ('resolution', interval '2 days')) AS k (kind, extra)
      WHERE ids.n % 7 <> 0`,
    [claimIds, firstDue],
  );
}
