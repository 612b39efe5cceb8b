import { NEW_CLAIM_COLUMNS, type NewClaim } from './claims';
import type { Queryable } from './index';

/** The policies in force a claim may be pinned to, by id: each version, and the `why` of its first event under it. */
export type PinnablePolicies = Record<string, { version: string; why: string }>;

/** What the claim says, as a claim row keeps it. */
type ClaimContent = Pick<
  NewClaim,
  | 'channel'
  | 'reason'
  | 'requestIds'
  | 'transactionId'
  | 'invoiceNumber'
  | 'explanation'
  | 'evidence'
  | 'idempotencyKey'
  | 'submittedAt'
>;

/** A submitted claim before its account is known: the account named, what the claim says, where it goes next. */
export interface ClaimIntake extends ClaimContent {
  claimId: string;
  named: { accountId: string | null; email: string | null };
  /** Whether a claim naming no known account is kept in unmatched_claims (API) or nothing is written (email). */
  keepUnmatched: boolean;
  policies: PinnablePolicies;
  requestFingerprint: string;
  /** The first event's data. */
  eventData: Record<string, unknown>;
  /** The task queue its workflow start is queued for (the claim outbox). */
  taskQueue: string;
}

/**
 * What the statement did. `taken`: nothing written, because the Idempotency-Key is already used in its scope (the
 * account's, or the named one's when none matches); the earlier claim is read with findIdempotentClaim.
 */
export type IntakeOutcome =
  | { kind: 'stored'; accountId: string }
  | { kind: 'unmatched' }
  | { kind: 'no-account' }
  | { kind: 'taken'; accountId: string | null }
  | { kind: 'unknown-policy'; accountId: string; policyId: string };

/*
 * One statement, so a claim costs one round trip and one commit whatever its path: the account named ($2/$3) and
 * its policy among those in force ($14), then either the claim with its `submitted` event and outbox row, or the
 * unmatched claim. The Idempotency-Key is checked by the unique indexes themselves (ON CONFLICT DO NOTHING: a
 * concurrent insert under the same key is waited for, and this one then writes nothing). Nothing is written for
 * an unknown policy or an unmatched claim that is not kept.
 * It runs as a prepared statement, so its plan is cached per connection: the account is found by id or by email
 * in two branches, each an equality on a unique index, so that plan needs no parameter values to use the index;
 * no other part of it reads a table (the conflicts are the unique indexes' own checks).
 */
const STORE_SUBMITTED_CLAIM = `
WITH account AS (
  SELECT id, policy_id, $14::jsonb -> policy_id AS policy FROM accounts
   WHERE id = $2 AND ($3::text IS NULL OR lower(email) = lower($3))
  UNION ALL
  SELECT id, policy_id, $14::jsonb -> policy_id AS policy FROM accounts WHERE $2::text IS NULL AND lower(email) = lower($3)
), claim AS (
  INSERT INTO claims (${NEW_CLAIM_COLUMNS})
  SELECT $1, id, policy_id, policy ->> 'version', $6, $7, $8, $9, $10, $11, $12, 'received', $4, $5, $13
    FROM account WHERE policy IS NOT NULL
  ON CONFLICT (account_id, idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING
  RETURNING id, account_id
), event AS (
  INSERT INTO claim_events (claim_id, event_key, actor_type, actor_id, type, from_status, to_status, why, data)
  SELECT c.id, 'submitted', 'customer', c.account_id, 'submitted', NULL, 'received', a.policy ->> 'why', $15
    FROM claim c, account a
), outbox AS (
  INSERT INTO claim_outbox (claim_id, task_queue) SELECT id, $16 FROM claim
), unmatched AS (
  INSERT INTO unmatched_claims (id, named_account_id, named_email, channel, reason, idempotency_key, request_fingerprint)
  SELECT $1, $2, $3, $6, $7, $4, $5 WHERE $17::boolean AND NOT EXISTS (SELECT FROM account)
  ON CONFLICT (COALESCE(named_account_id, ''), COALESCE(lower(named_email), ''), idempotency_key)
    WHERE idempotency_key IS NOT NULL DO NOTHING
  RETURNING id
)
SELECT (SELECT id FROM account) AS account_id, (SELECT policy_id FROM account) AS policy_id,
       (SELECT policy IS NOT NULL FROM account) AS policy_in_force,
       EXISTS (SELECT FROM claim) AS stored, EXISTS (SELECT FROM unmatched) AS kept_unmatched`;

interface IntakeRow {
  account_id: string | null;
  policy_id: string | null;
  policy_in_force: boolean | null;
  stored: boolean;
  kept_unmatched: boolean;
}

function outcomeOf(r: IntakeRow, keepUnmatched: boolean): IntakeOutcome {
  if (r.stored) return { kind: 'stored', accountId: r.account_id! };
  if (r.kept_unmatched) return { kind: 'unmatched' };
  if (r.account_id && !r.policy_in_force)
    return { kind: 'unknown-policy', accountId: r.account_id, policyId: r.policy_id! };
  if (!r.account_id && !keepUnmatched) return { kind: 'no-account' };
  return { kind: 'taken', accountId: r.account_id };
}

/** Stores a submitted claim in one statement (see STORE_SUBMITTED_CLAIM). */
export async function storeSubmittedClaim(db: Queryable, c: ClaimIntake): Promise<IntakeOutcome> {
  // Named: each connection parses and plans it once (planning it cost PostgreSQL more than running it).
  const { rows } = await db.query<IntakeRow>({
    name: 'store-submitted-claim',
    text: STORE_SUBMITTED_CLAIM,
    values: [
      c.claimId,
      c.named.accountId,
      c.named.email,
      c.idempotencyKey,
      c.requestFingerprint,
      c.channel,
      c.reason,
      c.requestIds,
      c.transactionId,
      c.invoiceNumber,
      c.explanation,
      JSON.stringify(c.evidence),
      c.submittedAt,
      c.policies,
      c.eventData,
      c.taskQueue,
      c.keepUnmatched,
    ],
  });
  return outcomeOf(rows[0]!, c.keepUnmatched);
}

/** The claim or unmatched claim sent earlier under `key` in its scope: the account's, else the named one's. */
export async function findIdempotentClaim(
  db: Queryable,
  scope: { accountId: string } | { named: { accountId: string | null; email: string | null } },
  key: string,
): Promise<{ id: string; requestFingerprint: string } | undefined> {
  type Row = { id: string; request_fingerprint: string };
  const { rows } =
    'accountId' in scope
      ? await db.query<Row>(
          'SELECT id, request_fingerprint FROM claims WHERE account_id = $1 AND idempotency_key = $2',
          [scope.accountId, key],
        )
      : await db.query<Row>(
          `SELECT id, request_fingerprint FROM unmatched_claims
            WHERE COALESCE(named_account_id, '') = COALESCE($1, '') AND COALESCE(lower(named_email), '') = COALESCE(lower($2), '')
              AND idempotency_key = $3`,
          [scope.named.accountId, scope.named.email, key],
        );
  return rows[0] && { id: rows[0].id, requestFingerprint: rows[0].request_fingerprint };
}
