import type { Channel, ClaimReason } from '../common/claim';
import { NEW_CLAIM_COLUMNS } from './claims';
import type { Queryable } from './index';

/** An in-force policy a new claim may be pinned to, with the `why` of the claim's first event under it. */
export interface PinnablePolicy {
  id: string;
  version: string;
  why: string;
}

/** A submitted claim before its account is known: the account named, what the claim says, where it goes next. */
export interface ClaimIntake {
  claimId: string;
  named: { accountId: string | null; email: string | null };
  /** Whether a claim naming no known account is kept in unmatched_claims (API) or nothing is written (email). */
  keepUnmatched: boolean;
  policies: readonly PinnablePolicy[];
  channel: Channel;
  reason: ClaimReason;
  requestIds: string[];
  transactionId: string | null;
  invoiceNumber: string | null;
  explanation: string | null;
  evidence: unknown[];
  idempotencyKey: string | null;
  requestFingerprint: string;
  submittedAt: Date;
  /** The first event's data. */
  eventData: Record<string, unknown>;
  /** The task queue its workflow start is queued for (the claim outbox). */
  taskQueue: string;
}

/** What the statement did: at most one of the claim (with its event and outbox row) or the unmatched claim. */
export type IntakeOutcome =
  | { kind: 'stored'; accountId: string }
  | { kind: 'unmatched' }
  | { kind: 'no-account' }
  | { kind: 'replay'; claimId: string; requestFingerprint: string }
  | { kind: 'unknown-policy'; accountId: string; policyId: string };

/*
 * One statement, so a claim costs one round trip and one commit whatever its path: the account named ($2/$3; by id,
 * or by email alone, each by its unique index, so a plan cached for the named statement stays an index lookup), an
 * earlier claim under the same Idempotency-Key in that account's scope (or the named one's, when none matches),
 * the account's policy among those in force, then either the claim with its `submitted` event and outbox row, or
 * the unmatched claim. Nothing is written on a replay, an unknown policy, or an unmatched claim that is not kept.
 */
const STORE_SUBMITTED_CLAIM = `
WITH account AS (
  SELECT id, policy_id FROM accounts WHERE id = $2 AND ($3::text IS NULL OR lower(email) = lower($3))
  UNION ALL
  SELECT id, policy_id FROM accounts WHERE $2::text IS NULL AND lower(email) = lower($3)
), pinned AS (
  SELECT a.id AS account_id, p.id AS policy_id, p.version, p.why
    FROM account a JOIN unnest($14::text[], $15::text[], $16::text[]) AS p (id, version, why) ON p.id = a.policy_id
), earlier AS (
  SELECT c.id, c.request_fingerprint FROM claims c JOIN account a ON c.account_id = a.id
   WHERE c.idempotency_key = $4
  UNION ALL
  SELECT u.id, u.request_fingerprint FROM unmatched_claims u
   WHERE $19::boolean AND NOT EXISTS (SELECT FROM account) AND u.idempotency_key = $4
     AND COALESCE(u.named_account_id, '') = COALESCE($2, '') AND COALESCE(lower(u.named_email), '') = COALESCE(lower($3), '')
), claim AS (
  INSERT INTO claims (${NEW_CLAIM_COLUMNS})
  SELECT $1, account_id, policy_id, version, $6, $7, $8, $9, $10, $11, $12, 'received', $4, $5, $13
    FROM pinned WHERE NOT EXISTS (SELECT FROM earlier)
  RETURNING id, account_id
), event AS (
  INSERT INTO claim_events (claim_id, event_key, actor_type, actor_id, type, from_status, to_status, why, data)
  SELECT c.id, 'submitted', 'customer', c.account_id, 'submitted', NULL, 'received', p.why, $17 FROM claim c, pinned p
), outbox AS (
  INSERT INTO claim_outbox (claim_id, task_queue) SELECT id, $18 FROM claim
), unmatched AS (
  INSERT INTO unmatched_claims (id, named_account_id, named_email, channel, reason, idempotency_key, request_fingerprint)
  SELECT $1, $2, $3, $6, $7, $4, $5
   WHERE $19::boolean AND NOT EXISTS (SELECT FROM account) AND NOT EXISTS (SELECT FROM earlier)
  RETURNING id
)
SELECT a.id AS account_id, a.policy_id, e.id AS earlier_id, e.request_fingerprint AS earlier_fingerprint,
       EXISTS (SELECT FROM claim) AS stored, EXISTS (SELECT FROM unmatched) AS kept_unmatched
  FROM (SELECT) AS one LEFT JOIN account a ON true LEFT JOIN earlier e ON true`;

interface IntakeRow {
  account_id: string | null;
  policy_id: string | null;
  earlier_id: string | null;
  earlier_fingerprint: string | null;
  stored: boolean;
  kept_unmatched: boolean;
}

function outcomeOf(r: IntakeRow): IntakeOutcome {
  if (r.earlier_id) return { kind: 'replay', claimId: r.earlier_id, requestFingerprint: r.earlier_fingerprint! };
  if (r.stored) return { kind: 'stored', accountId: r.account_id! };
  if (r.account_id) return { kind: 'unknown-policy', accountId: r.account_id, policyId: r.policy_id! };
  return r.kept_unmatched ? { kind: 'unmatched' } : { kind: 'no-account' };
}

/** Stores a submitted claim in one statement (see STORE_SUBMITTED_CLAIM); a lost Idempotency-Key race is a 23505. */
export async function storeSubmittedClaim(db: Queryable, c: ClaimIntake): Promise<IntakeOutcome> {
  // Named, so each connection parses and plans it once: its six parts cost PostgreSQL more to plan than to run.
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
      c.policies.map((p) => p.id),
      c.policies.map((p) => p.version),
      c.policies.map((p) => p.why),
      c.eventData,
      c.taskQueue,
      c.keepUnmatched,
    ],
  });
  return outcomeOf(rows[0]!);
}
