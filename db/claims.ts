import type { ClaimFacts, ClaimReason, ClaimStatus, Channel, Deadline, Decision } from '../common/claim';
import type { AttentionCause } from '../common/unfixable';
import type { Queryable } from './index';
import { afterPosition, dueKeySql, dueOrderBy, type QueuePosition } from './queue-keyset';

export interface NewClaim {
  id: string;
  accountId: string;
  policyId: string;
  policyVersion: string;
  channel: Channel;
  reason: ClaimReason;
  requestIds: string[];
  transactionId: string | null;
  invoiceNumber: string | null;
  explanation: string | null;
  evidence: unknown[];
  idempotencyKey: string | null;
  requestFingerprint: string | null;
  submittedAt: Date;
}

export interface ClaimRecord extends ClaimFacts {
  policyId: string;
  policyVersion: string;
  channel: Channel;
  status: ClaimStatus;
  decision: Decision | null;
  evidence: unknown[];
  escalatedAt: string | null;
  escalationLevel: string | null;
  requestFingerprint: string | null;
  updatedAt: string;
  /** Why the claim needs attention (status needs_attention): the failure that stopped it; null otherwise. */
  attention: ClaimAttention | null;
}

/** The failure kept on a claim in needs_attention (db/attention.ts), with the status it stopped in. */
export type ClaimAttention = AttentionCause & { from: ClaimStatus | null; at: string };

const CLAIM_COLUMNS = `
  c.id, c.account_id, a.email AS account_email, c.policy_id, c.policy_version, c.channel, c.reason, c.request_ids,
  c.transaction_id, c.invoice_number, c.explanation, c.evidence, c.status, c.decision, c.escalated_at,
  c.escalation_level, c.request_fingerprint, c.submitted_at, c.updated_at, c.attention`;

interface ClaimRow {
  id: string;
  account_id: string;
  account_email: string;
  policy_id: string;
  policy_version: string;
  channel: Channel;
  reason: ClaimReason;
  request_ids: string[];
  transaction_id: string | null;
  invoice_number: string | null;
  explanation: string | null;
  evidence: unknown[];
  status: ClaimStatus;
  decision: Decision | null;
  escalated_at: Date | null;
  escalation_level: string | null;
  request_fingerprint: string | null;
  submitted_at: Date;
  updated_at: Date;
  attention: ClaimAttention | null;
}

function toRecord(r: ClaimRow): ClaimRecord {
  return {
    claimId: r.id,
    accountId: r.account_id,
    accountEmail: r.account_email,
    policyId: r.policy_id,
    policyVersion: r.policy_version,
    channel: r.channel,
    reason: r.reason,
    requestIds: r.request_ids,
    transactionId: r.transaction_id,
    invoiceNumber: r.invoice_number,
    explanation: r.explanation,
    evidence: r.evidence,
    status: r.status,
    decision: r.decision,
    escalatedAt: r.escalated_at?.toISOString() ?? null,
    escalationLevel: r.escalation_level,
    requestFingerprint: r.request_fingerprint,
    submittedAt: r.submitted_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
    attention: r.attention ?? null,
  };
}

/** A new claim's columns, shared by insertClaim and the one-statement intake (db/claim-intake.ts). */
export const NEW_CLAIM_COLUMNS = `id, account_id, policy_id, policy_version, channel, reason, request_ids, transaction_id,
  invoice_number, explanation, evidence, status, idempotency_key, request_fingerprint, submitted_at`;

const INSERT_NEW_CLAIM = `INSERT INTO claims (${NEW_CLAIM_COLUMNS})
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 'received', $12, $13, $14)`;

/** The parameters of INSERT_NEW_CLAIM, in order. */
function newClaimValues(c: NewClaim): unknown[] {
  return [
    c.id,
    c.accountId,
    c.policyId,
    c.policyVersion,
    c.channel,
    c.reason,
    c.requestIds,
    c.transactionId,
    c.invoiceNumber,
    c.explanation,
    JSON.stringify(c.evidence),
    c.idempotencyKey,
    c.requestFingerprint,
    c.submittedAt,
  ];
}

/** The claim row alone, without its event and outbox row (test fixtures; intake uses storeSubmittedClaim). */
export async function insertClaim(db: Queryable, c: NewClaim): Promise<void> {
  await db.query(INSERT_NEW_CLAIM, newClaimValues(c));
}

export async function findClaim(db: Queryable, claimId: string): Promise<ClaimRecord | undefined> {
  const { rows } = await db.query<ClaimRow>(
    `SELECT ${CLAIM_COLUMNS} FROM claims c JOIN accounts a ON a.id = c.account_id WHERE c.id = $1`,
    [claimId],
  );
  return rows[0] && toRecord(rows[0]);
}

export async function getClaim(db: Queryable, claimId: string): Promise<ClaimRecord> {
  const claim = await findClaim(db, claimId);
  if (!claim) throw new Error(`claim ${claimId} does not exist`);
  return claim;
}

export interface CaseFilter {
  status?: ClaimStatus;
  overdue?: boolean;
  escalated?: boolean;
  accountId?: string;
  limit: number;
  /** Start after this case (keyset paging); absent for the first page. */
  after?: QueuePosition;
}

/** A case in the staff list: the claim, its next SLA due time, and its place in the due-time order. */
export interface CaseListing extends ClaimRecord {
  nextDueAt: string | null;
  position: QueuePosition;
}

/** The earliest SLA deadline still running (the lead's early warning is not an SLA of its own). */
const NEXT_DUE = `LEFT JOIN LATERAL (
  SELECT min(d.due_at) AS due_at FROM claim_deadlines d
   WHERE d.claim_id = c.id AND d.state IN ('open', 'breached') AND d.kind <> 'review_warning') nd ON true`;

/**
 * One page of cases, soonest due first then by id; cases with no running deadline come last. `more` says whether a
 * page follows, read as one extra row so the last page never needs a round trip of its own.
 */
export async function listCases(db: Queryable, f: CaseFilter): Promise<{ cases: CaseListing[]; more: boolean }> {
  const where: string[] = [];
  const params: unknown[] = [];
  if (f.status) where.push(`c.status = $${params.push(f.status)}`);
  if (f.accountId) where.push(`c.account_id = $${params.push(f.accountId)}`);
  if (f.escalated !== undefined) where.push(f.escalated ? 'c.escalated_at IS NOT NULL' : 'c.escalated_at IS NULL');
  if (f.overdue !== undefined) {
    const overdue = `EXISTS (SELECT 1 FROM claim_deadlines d WHERE d.claim_id = c.id AND d.state IN ('open', 'breached')
                       AND d.kind <> 'review_warning' AND d.due_at < now())`;
    where.push(f.overdue ? overdue : `NOT ${overdue}`);
  }
  if (f.after) where.push(afterPosition('nd.due_at', 'c.id', 'asc', f.after, params));
  const { rows } = await db.query<ClaimRow & { next_due_at: Date | null; due_key: string | null }>(
    `SELECT ${CLAIM_COLUMNS}, nd.due_at AS next_due_at, ${dueKeySql('nd.due_at')} AS due_key
       FROM claims c JOIN accounts a ON a.id = c.account_id ${NEXT_DUE}
      ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
      ORDER BY ${dueOrderBy('nd.due_at', 'c.id', 'asc')} LIMIT $${params.push(f.limit + 1)}`,
    params,
  );
  const cases = rows.slice(0, f.limit).map((r) => ({
    ...toRecord(r),
    nextDueAt: r.next_due_at?.toISOString() ?? null,
    position: { dueKey: r.due_key, id: r.id },
  }));
  return { cases, more: rows.length > f.limit };
}

/** Sets the claim's status (the workflow's transitions record the matching event beside it). */
export async function updateClaimStatus(db: Queryable, claimId: string, status: ClaimStatus): Promise<void> {
  await db.query('UPDATE claims SET status = $2, updated_at = now() WHERE id = $1', [claimId, status]);
}

export async function saveDecision(db: Queryable, claimId: string, decision: Decision): Promise<void> {
  await db.query('UPDATE claims SET decision = $2, updated_at = now() WHERE id = $1', [claimId, decision]);
}

export async function saveDeadlines(db: Queryable, claimId: string, deadlines: Deadline[]): Promise<void> {
  if (deadlines.length === 0) return;
  // All of a move's deadlines in one statement (each kind once: a claim has one deadline per kind).
  await db.query(
    `INSERT INTO claim_deadlines (claim_id, kind, due_at, business_days, clause, state)
     SELECT $1, d.kind, d.due_at, d.business_days, d.clause, 'open'
       FROM unnest($2::text[], $3::timestamptz[], $4::int[], $5::text[]) AS d (kind, due_at, business_days, clause)
     ON CONFLICT (claim_id, kind) DO UPDATE SET due_at = EXCLUDED.due_at, business_days = EXCLUDED.business_days,
                                                clause = EXCLUDED.clause, state = 'open',
       -- A deadline moved (the SLA paused while the customer answered) is a new deadline and fires again.
       fired_at = CASE WHEN claim_deadlines.due_at = EXCLUDED.due_at THEN claim_deadlines.fired_at END,
       fired_by = CASE WHEN claim_deadlines.due_at = EXCLUDED.due_at THEN claim_deadlines.fired_by END,
       alerted_at = CASE WHEN claim_deadlines.due_at = EXCLUDED.due_at THEN claim_deadlines.alerted_at END`,
    [
      claimId,
      deadlines.map((d) => d.kind),
      deadlines.map((d) => d.dueAt),
      deadlines.map((d) => d.businessDays),
      deadlines.map((d) => d.clause),
    ],
  );
}

export async function listDeadlines(db: Queryable, claimId: string): Promise<(Deadline & { state: string })[]> {
  const { rows } = await db.query<{
    kind: Deadline['kind'];
    due_at: Date;
    business_days: number;
    clause: string;
    state: string;
  }>('SELECT kind, due_at, business_days, clause, state FROM claim_deadlines WHERE claim_id = $1 ORDER BY due_at', [
    claimId,
  ]);
  return rows.map((r) => ({
    kind: r.kind,
    dueAt: r.due_at.toISOString(),
    businessDays: r.business_days,
    clause: r.clause,
    state: r.state,
  }));
}

/** Closes the still-open deadlines of these kinds; returns the kinds it closed. */
export async function settleDeadlines(
  db: Queryable,
  claimId: string,
  kinds: Deadline['kind'][],
  state: 'met' | 'breached' | 'cancelled',
): Promise<Deadline['kind'][]> {
  const { rows } = await db.query<{ kind: Deadline['kind'] }>(
    `UPDATE claim_deadlines SET state = $3 WHERE claim_id = $1 AND kind = ANY($2::text[]) AND state = 'open' RETURNING kind`,
    [claimId, kinds, state],
  );
  return rows.map((r) => r.kind);
}

/** Locks the claim's row for a status change; undefined when there is no such claim. */
export async function lockClaimStatus(tx: Queryable, claimId: string): Promise<ClaimStatus | undefined> {
  const { rows } = await tx.query<{ status: ClaimStatus }>('SELECT status FROM claims WHERE id = $1 FOR UPDATE', [
    claimId,
  ]);
  return rows[0]?.status;
}

/** The per-request findings of the latest evidence check, for staff to read. */
export async function saveEvidence(db: Queryable, claimId: string, findings: unknown[]): Promise<void> {
  await db.query('UPDATE claims SET evidence = $2, updated_at = now() WHERE id = $1', [
    claimId,
    JSON.stringify(findings),
  ]);
}

/** What a customer sent later, merged into the claim: request ids are added, other fields replaced when given. */
export interface ClaimAdditions {
  requestIds?: string[];
  transactionId?: string;
  invoiceNumber?: string;
  explanation?: string;
}

export async function mergeCustomerReply(db: Queryable, claimId: string, reply: ClaimAdditions): Promise<void> {
  await db.query(
    `UPDATE claims SET
       request_ids = CASE WHEN $2::text[] IS NULL THEN request_ids
                          ELSE ARRAY(SELECT DISTINCT unnest(request_ids || $2::text[])) END,
       transaction_id = coalesce($3, transaction_id),
       invoice_number = coalesce($4, invoice_number),
       explanation = coalesce($5, explanation),
       updated_at = now()
     WHERE id = $1`,
    [
      claimId,
      reply.requestIds ?? null,
      reply.transactionId ?? null,
      reply.invoiceNumber ?? null,
      reply.explanation ?? null,
    ],
  );
}
