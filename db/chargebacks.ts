import { minorFromDb, type Money } from '../common/money';
import type { Actor } from '../common/claim';
import {
  isLater,
  outcomeOf,
  positionOf,
  type ChargebackDeadline,
  type ChargebackStatus,
  type DisputeFacts,
  type DisputeOutcome,
  type EvidencePack,
} from '../domain/chargebacks';
import type { Queryable, Tx } from './index';

/** A chargeback case as the API and the activities read it. */
export interface ChargebackRecord {
  id: string;
  processor: string;
  disputeId: string;
  chargeRef: string | null;
  paymentIntentRef: string | null;
  transactionId: string | null;
  accountId: string | null;
  policyId: string | null;
  policyVersion: string | null;
  unmatched: boolean;
  amount: Money;
  reason: string;
  processorStatus: string;
  dueBy: string | null;
  status: ChargebackStatus;
  outcome: DisputeOutcome | null;
  evidence: EvidencePack | null;
  evidenceSubmission: Record<string, unknown> | null;
  openedAt: string;
  updatedAt: string;
}

interface ChargebackRow {
  id: string;
  processor: string;
  dispute_id: string;
  charge_ref: string | null;
  payment_intent_ref: string | null;
  transaction_id: string | null;
  account_id: string | null;
  policy_id: string | null;
  policy_version: string | null;
  unmatched: boolean;
  amount_minor: string;
  currency: string;
  reason: string;
  processor_status: string;
  due_by: Date | null;
  status: ChargebackStatus;
  outcome: DisputeOutcome | null;
  evidence: EvidencePack | null;
  evidence_submission: Record<string, unknown> | null;
  opened_at: Date;
  updated_at: Date;
  latest_event_at: Date;
  latest_event_rank: number;
  latest_event_id: string;
}

const COLUMNS = `id, processor, dispute_id, charge_ref, payment_intent_ref, transaction_id, account_id, policy_id, policy_version,
  unmatched, amount_minor, currency, reason, processor_status, due_by, status, outcome, evidence, evidence_submission,
  opened_at, updated_at, latest_event_at, latest_event_rank, latest_event_id`;

function toRecord(r: ChargebackRow): ChargebackRecord {
  return {
    id: r.id,
    processor: r.processor,
    disputeId: r.dispute_id,
    chargeRef: r.charge_ref,
    paymentIntentRef: r.payment_intent_ref,
    transactionId: r.transaction_id,
    accountId: r.account_id,
    policyId: r.policy_id,
    policyVersion: r.policy_version,
    unmatched: r.unmatched,
    amount: { amountMinor: minorFromDb(r.amount_minor), currency: r.currency.trim() },
    reason: r.reason,
    processorStatus: r.processor_status,
    dueBy: r.due_by?.toISOString() ?? null,
    status: r.status,
    outcome: r.outcome,
    evidence: r.evidence,
    evidenceSubmission: r.evidence_submission,
    openedAt: r.opened_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
  };
}

export async function getChargeback(db: Queryable, id: string): Promise<ChargebackRecord | undefined> {
  const { rows } = await db.query<ChargebackRow>(`SELECT ${COLUMNS} FROM chargebacks WHERE id = $1`, [id]);
  return rows[0] && toRecord(rows[0]);
}

/** The ledger charge a dispute is about, found by the processor's charge or payment-intent reference. */
export interface MatchedCharge {
  transactionId: string;
  accountId: string;
  policyId: string;
}

export async function matchDisputedCharge(db: Queryable, refs: (string | null)[]): Promise<MatchedCharge | undefined> {
  const known = refs.filter((r): r is string => Boolean(r));
  if (!known.length) return undefined;
  const { rows } = await db.query<{ transaction_id: string; account_id: string; policy_id: string }>(
    `SELECT c.transaction_id, c.account_id, a.policy_id FROM charges c JOIN accounts a ON a.id = c.account_id
      WHERE c.payment_reference = ANY($1::text[]) ORDER BY c.created_at LIMIT 1`,
    [known],
  );
  const r = rows[0];
  return r && { transactionId: r.transaction_id, accountId: r.account_id, policyId: r.policy_id };
}

/** The result of applying one processor event to its case. */
export interface AppliedEvent {
  record: ChargebackRecord;
  /** The case row was created by this event. */
  created: boolean;
  /** The event was newer than what the case held, so its snapshot now stands. */
  superseded: boolean;
}

/**
 * Creates the case from its first event or moves its processor snapshot forward; an event older than
 * the one the case holds (by the processor's timestamp) changes nothing, so any arrival order converges.
 * Runs in the caller's transaction; the row is locked.
 */
export async function applyEventToCase(
  tx: Tx,
  id: string,
  facts: DisputeFacts,
  match: (MatchedCharge & { policyVersion: string }) | undefined,
): Promise<AppliedEvent> {
  const pos = positionOf(facts);
  const outcome = outcomeOf(facts.processorStatus);
  const inserted = await tx.query<ChargebackRow>(
    `INSERT INTO chargebacks (id, processor, dispute_id, charge_ref, payment_intent_ref, transaction_id, account_id, policy_id,
       policy_version, unmatched, amount_minor, currency, reason, processor_status, due_by, status,
       latest_event_at, latest_event_rank, latest_event_id, outcome)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, 'open', $16, $17, $18, $19)
     ON CONFLICT (id) DO NOTHING RETURNING ${COLUMNS}`,
    [
      id,
      facts.processor,
      facts.disputeId,
      facts.chargeRef,
      facts.paymentIntentRef,
      match?.transactionId ?? null,
      match?.accountId ?? null,
      match?.policyId ?? null,
      match?.policyVersion ?? null,
      !match,
      facts.amount.amountMinor,
      facts.amount.currency,
      facts.reason,
      facts.processorStatus,
      facts.dueBy,
      facts.occurredAt,
      pos.rank,
      pos.eventId,
      outcome,
    ],
  );
  if (inserted.rows[0]) return { record: toRecord(inserted.rows[0]), created: true, superseded: true };
  const { rows } = await tx.query<ChargebackRow>(`SELECT ${COLUMNS} FROM chargebacks WHERE id = $1 FOR UPDATE`, [id]);
  const current = rows[0]!;
  const held = {
    occurredAt: current.latest_event_at.toISOString(),
    rank: current.latest_event_rank,
    eventId: current.latest_event_id,
  };
  if (!isLater(pos, held)) return { record: toRecord(current), created: false, superseded: false };
  const { rows: updated } = await tx.query<ChargebackRow>(
    `UPDATE chargebacks SET amount_minor = $2, currency = $3, reason = $4, processor_status = $5, due_by = $6,
            latest_event_at = $7, latest_event_rank = $8, latest_event_id = $9, outcome = $10, updated_at = now()
      WHERE id = $1 RETURNING ${COLUMNS}`,
    [
      id,
      facts.amount.amountMinor,
      facts.amount.currency,
      facts.reason,
      facts.processorStatus,
      facts.dueBy,
      facts.occurredAt,
      pos.rank,
      pos.eventId,
      outcome,
    ],
  );
  return { record: toRecord(updated[0]!), created: false, superseded: true };
}

export interface ChargebackEventInput {
  chargebackId: string;
  /** Deterministic per case, so a retried activity records the event once. */
  eventKey: string;
  type: string;
  actor: Actor | { type: 'processor'; id: string };
  why: string;
  clause?: string | null;
  from?: ChargebackStatus | null;
  to?: ChargebackStatus | null;
  data?: Record<string, unknown>;
}

/** Appends one event to the case log; false when that key was already recorded. */
export async function appendChargebackEvent(db: Queryable, e: ChargebackEventInput): Promise<boolean> {
  const result = await db.query(
    `INSERT INTO chargeback_events (chargeback_id, event_key, actor_type, actor_id, type, from_status, to_status, why, clause, data)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT (chargeback_id, event_key) DO NOTHING`,
    [
      e.chargebackId,
      e.eventKey,
      e.actor.type,
      e.actor.id,
      e.type,
      e.from ?? null,
      e.to ?? null,
      e.why,
      e.clause ?? null,
      e.data ?? {},
    ],
  );
  return result.rowCount === 1;
}

/** The event a step already recorded under its key, so a retried step can answer what it answered the first time. */
export async function chargebackEventByKey(
  db: Queryable,
  chargebackId: string,
  eventKey: string,
): Promise<{ type: string; data: Record<string, unknown> } | undefined> {
  const { rows } = await db.query<{ type: string; data: Record<string, unknown> }>(
    'SELECT type, data FROM chargeback_events WHERE chargeback_id = $1 AND event_key = $2',
    [chargebackId, eventKey],
  );
  return rows[0];
}

/** Moves the case status and appends its event together; a retry records nothing twice. */
export async function transitionChargeback(tx: Tx, e: ChargebackEventInput): Promise<ChargebackStatus> {
  const { rows } = await tx.query<{ status: ChargebackStatus }>(
    'SELECT status FROM chargebacks WHERE id = $1 FOR UPDATE',
    [e.chargebackId],
  );
  const from = rows[0]?.status;
  if (!from) throw new Error(`chargeback ${e.chargebackId} does not exist`);
  const appended = await appendChargebackEvent(tx, { ...e, from, to: e.to ?? null });
  if (appended && e.to && e.to !== from) {
    await tx.query('UPDATE chargebacks SET status = $2, updated_at = now() WHERE id = $1', [e.chargebackId, e.to]);
    return e.to;
  }
  return from;
}

export async function saveEvidence(db: Queryable, id: string, evidence: EvidencePack): Promise<void> {
  await db.query('UPDATE chargebacks SET evidence = $2, updated_at = now() WHERE id = $1', [id, evidence]);
}

export async function saveEvidenceSubmission(
  db: Queryable,
  id: string,
  submission: Record<string, unknown>,
): Promise<void> {
  await db.query('UPDATE chargebacks SET evidence_submission = $2, updated_at = now() WHERE id = $1', [id, submission]);
}

export interface ChargebackEvent {
  at: string;
  type: string;
  actor: { type: string; id: string };
  from: string | null;
  to: string | null;
  why: string;
  clause: string | null;
  data: Record<string, unknown>;
}

export async function listChargebackEvents(db: Queryable, id: string): Promise<ChargebackEvent[]> {
  const { rows } = await db.query<{
    at: Date;
    type: string;
    actor_type: string;
    actor_id: string;
    from_status: string | null;
    to_status: string | null;
    why: string;
    clause: string | null;
    data: Record<string, unknown>;
  }>(
    `SELECT at, type, actor_type, actor_id, from_status, to_status, why, clause, data FROM chargeback_events
      WHERE chargeback_id = $1 ORDER BY id`,
    [id],
  );
  return rows.map((r) => ({
    at: r.at.toISOString(),
    type: r.type,
    actor: { type: r.actor_type, id: r.actor_id },
    from: r.from_status,
    to: r.to_status,
    why: r.why,
    clause: r.clause,
    data: r.data,
  }));
}

/** Replaces the case's open deadlines of these kinds (a moved due_by moves them). */
export async function saveChargebackDeadlines(
  db: Queryable,
  id: string,
  deadlines: ChargebackDeadline[],
): Promise<void> {
  for (const d of deadlines) {
    await db.query(
      `INSERT INTO chargeback_deadlines (chargeback_id, kind, due_at, clause) VALUES ($1, $2, $3, $4)
       ON CONFLICT (chargeback_id, kind) DO UPDATE SET due_at = EXCLUDED.due_at, clause = EXCLUDED.clause, state = 'open'`,
      [id, d.kind, d.dueAt, d.clause],
    );
  }
}

export async function settleChargebackDeadlines(
  db: Queryable,
  id: string,
  kinds: string[],
  state: 'met' | 'fired' | 'cancelled',
): Promise<void> {
  await db.query(
    `UPDATE chargeback_deadlines SET state = $3 WHERE chargeback_id = $1 AND kind = ANY($2::text[]) AND state = 'open'`,
    [id, kinds, state],
  );
}

export async function listChargebackDeadlines(db: Queryable, id: string) {
  const { rows } = await db.query<{ kind: string; due_at: Date; clause: string; state: string }>(
    'SELECT kind, due_at, clause, state FROM chargeback_deadlines WHERE chargeback_id = $1 ORDER BY due_at',
    [id],
  );
  return rows.map((r) => ({ kind: r.kind, dueAt: r.due_at.toISOString(), clause: r.clause, state: r.state }));
}

export interface ChargebackFilter {
  status?: ChargebackStatus;
  policyId?: string;
  accountId?: string;
  /** Only cases still awaiting a response whose due_by is within this many hours. */
  dueWithinHours?: number;
  unmatched?: boolean;
  limit: number;
}

export async function listChargebacks(db: Queryable, f: ChargebackFilter): Promise<ChargebackRecord[]> {
  const { rows } = await db.query<ChargebackRow>(
    `SELECT ${COLUMNS} FROM chargebacks
      WHERE ($1::text IS NULL OR status = $1) AND ($2::text IS NULL OR policy_id = $2) AND ($3::text IS NULL OR account_id = $3)
        AND ($4::int IS NULL OR (status IN ('open', 'contest_pending') AND due_by <= now() + make_interval(hours => $4::int)))
        AND ($5::boolean IS NULL OR unmatched = $5)
      ORDER BY due_by ASC NULLS LAST, opened_at DESC LIMIT $6`,
    [f.status ?? null, f.policyId ?? null, f.accountId ?? null, f.dueWithinHours ?? null, f.unmatched ?? null, f.limit],
  );
  return rows.map(toRecord);
}

/** Money the processor moved for the dispute, recorded once per balance transaction. */
export async function recordDisputeMovement(
  db: Queryable,
  m: {
    chargebackId: string;
    sourceKey: string;
    kind: 'funds_withdrawn' | 'funds_reinstated' | 'dispute_fee' | 'fee_reinstated';
    amount: Money;
    at: string;
    eventId: string;
  },
): Promise<boolean> {
  const result = await db.query(
    `INSERT INTO dispute_movements (chargeback_id, source_key, kind, amount_minor, currency, at, processor_event_id)
     VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING`,
    [m.chargebackId, m.sourceKey, m.kind, m.amount.amountMinor, m.amount.currency, m.at, m.eventId],
  );
  return result.rowCount === 1;
}

export async function listDisputeMovements(db: Queryable, id: string) {
  const { rows } = await db.query<{
    kind: string;
    amount_minor: string;
    currency: string;
    at: Date;
    source_key: string;
  }>(
    'SELECT kind, amount_minor, currency, at, source_key FROM dispute_movements WHERE chargeback_id = $1 ORDER BY at, source_key',
    [id],
  );
  return rows.map((r) => ({
    kind: r.kind,
    amountMinor: minorFromDb(r.amount_minor),
    currency: r.currency.trim(),
    at: r.at.toISOString(),
    source: r.source_key,
  }));
}

/** Mail for a case goes out once per key. */
export async function chargebackMailSent(db: Queryable, id: string, key: string): Promise<boolean> {
  const { rowCount } = await db.query('SELECT 1 FROM chargeback_notifications WHERE chargeback_id = $1 AND key = $2', [
    id,
    key,
  ]);
  return (rowCount ?? 0) > 0;
}

export async function recordChargebackMail(
  db: Queryable,
  id: string,
  key: string,
  mail: { to: string; subject: string },
  messageId: string,
): Promise<void> {
  await db.query(
    `INSERT INTO chargeback_notifications (chargeback_id, key, recipient, subject, message_id) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING`,
    [id, key, mail.to, mail.subject, messageId],
  );
}

/** Claims still open on the disputed charge: they are held while the dispute is open. */
export async function openClaimsOnCharge(
  db: Queryable,
  transactionId: string,
  finalStatuses: readonly string[],
): Promise<string[]> {
  const { rows } = await db.query<{ id: string }>(
    'SELECT id FROM claims WHERE transaction_id = $1 AND NOT (status = ANY($2::text[])) ORDER BY submitted_at',
    [transactionId, finalStatuses],
  );
  return rows.map((r) => r.id);
}

/** A dispute still undecided by the processor on the charge this claim names, if any. */
export async function openDisputeOnClaimCharge(db: Queryable, claimId: string): Promise<string | null> {
  const { rows } = await db.query<{ id: string }>(
    `SELECT cb.id FROM chargebacks cb JOIN claims c ON c.transaction_id = cb.transaction_id
      WHERE c.id = $1 AND cb.outcome IS NULL ORDER BY cb.opened_at LIMIT 1`,
    [claimId],
  );
  return rows[0]?.id ?? null;
}
