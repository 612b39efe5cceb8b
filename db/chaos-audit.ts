import type { Queryable } from './index';

/**
 * What `npm run chaos` reads back after its faults: the money, mail and intake rows of one claim,
 * one chargeback or one inbound message, counted rather than trusted.
 */

/** A claim's status and every money and acknowledgement row written for it. */
export interface ClaimAudit {
  status: string;
  credits: number;
  creditMinor: number;
  creditGrants: number;
  payouts: number;
  payoutMinor: number;
  payoutsConfirmed: number;
  /** Payouts of every claim on this claim's charge, against the charge's amount. */
  chargeMinor: number | null;
  chargePayoutMinor: number;
  /** Requests of this claim paid back by more than one live remedy hold (any claim). */
  requestsRemediedTwice: number;
  ackRows: number;
  ackSubject: string | null;
  email: string;
}

export async function auditClaim(db: Queryable, claimId: string): Promise<ClaimAudit | null> {
  const { rows } = await db.query(
    `SELECT c.status, a.email,
            (SELECT count(*)::int FROM credits_issued WHERE claim_id = c.id) AS credits,
            (SELECT coalesce(sum(amount_minor), 0)::bigint FROM credits_issued WHERE claim_id = c.id) AS credit_minor,
            (SELECT count(*)::int FROM credit_grants WHERE source = 'claim:' || c.id) AS credit_grants,
            (SELECT count(*)::int FROM payouts WHERE claim_id = c.id) AS payouts,
            (SELECT coalesce(sum(amount_minor), 0)::bigint FROM payouts WHERE claim_id = c.id) AS payout_minor,
            (SELECT count(*)::int FROM payouts WHERE claim_id = c.id AND status = 'confirmed') AS payouts_confirmed,
            ch.amount_minor AS charge_minor,
            (SELECT coalesce(sum(p.amount_minor), 0)::bigint FROM payouts p JOIN claims o ON o.id = p.claim_id
              WHERE o.transaction_id = c.transaction_id) AS charge_payout_minor,
            (SELECT count(*)::int FROM (SELECT h.request_id FROM remedy_holds h
               WHERE h.request_id = ANY (c.request_ids) AND h.state = 'remedied'
               GROUP BY h.request_id HAVING count(*) > 1) twice) AS requests_remedied_twice,
            (SELECT count(*)::int FROM notifications WHERE claim_id = c.id AND (dedupe_key = 'acknowledgement' OR dedupe_key LIKE '%:acknowledgement'))
              AS ack_rows,
            (SELECT subject FROM notifications WHERE claim_id = c.id AND (dedupe_key = 'acknowledgement' OR dedupe_key LIKE '%:acknowledgement') LIMIT 1)
              AS ack_subject
       FROM claims c
       JOIN accounts a ON a.id = c.account_id
       LEFT JOIN charges ch ON ch.transaction_id = c.transaction_id
      WHERE c.id = $1`,
    [claimId],
  );
  const r = rows[0];
  if (!r) return null;
  return {
    status: r.status,
    email: r.email,
    credits: r.credits,
    creditMinor: Number(r.credit_minor),
    creditGrants: r.credit_grants,
    payouts: r.payouts,
    payoutMinor: Number(r.payout_minor),
    payoutsConfirmed: r.payouts_confirmed,
    chargeMinor: r.charge_minor === null ? null : Number(r.charge_minor),
    chargePayoutMinor: Number(r.charge_payout_minor),
    requestsRemediedTwice: r.requests_remedied_twice,
    ackRows: r.ack_rows,
    ackSubject: r.ack_subject,
  };
}

/** The claim statuses of many claims at once (the chaos drivers poll them). */
export async function claimStatuses(db: Queryable, claimIds: readonly string[]): Promise<Map<string, string>> {
  const { rows } = await db.query<{ id: string; status: string }>('SELECT id, status FROM claims WHERE id = ANY ($1)', [
    claimIds,
  ]);
  return new Map(rows.map((r) => [r.id, r.status]));
}

/** A chargeback's status, its credit hold and the deduction movements written for it. */
export interface ChargebackAudit {
  status: string;
  holdState: string | null;
  heldMinor: number;
  deductions: number;
  deductedMinor: number;
  /** Customer mails of the case by key; more than one row per key would be a second mail. */
  suspendedMails: number;
  suspendedSubject: string | null;
  /** The evidence deadlines are planned: the case finished opening. */
  deadlinesPlanned: boolean;
}

export async function auditChargeback(db: Queryable, chargebackId: string): Promise<ChargebackAudit | null> {
  const { rows } = await db.query(
    `SELECT cb.status, h.state AS hold_state, coalesce(h.amount_minor, 0)::bigint AS held_minor,
            (SELECT count(*)::int FROM credit_movements WHERE operation = 'chargeback:' || cb.id || ':deduct')
              AS deductions,
            (SELECT coalesce(sum(amount_minor), 0)::bigint FROM credit_movements
              WHERE operation = 'chargeback:' || cb.id || ':deduct') AS deducted_minor,
            (SELECT count(*)::int FROM chargeback_notifications
              WHERE chargeback_id = cb.id AND key LIKE '%:customer_suspended') AS suspended_mails,
            (SELECT subject FROM chargeback_notifications
              WHERE chargeback_id = cb.id AND key LIKE '%:customer_suspended' LIMIT 1) AS suspended_subject,
            EXISTS (SELECT 1 FROM chargeback_deadlines WHERE chargeback_id = cb.id) AS deadlines_planned
       FROM chargebacks cb LEFT JOIN credit_holds h ON h.chargeback_id = cb.id
      WHERE cb.id = $1`,
    [chargebackId],
  );
  const r = rows[0];
  if (!r) return null;
  return {
    status: r.status,
    holdState: r.hold_state,
    heldMinor: Number(r.held_minor),
    deductions: r.deductions,
    deductedMinor: Number(r.deducted_minor),
    suspendedMails: r.suspended_mails,
    suspendedSubject: r.suspended_subject,
    deadlinesPlanned: r.deadlines_planned,
  };
}

/** How many times a processor event is stored (the inbox keys it by processor and event id). */
export async function storedProcessorEvents(db: Queryable, processor: string, eventIds: readonly string[]) {
  const { rows } = await db.query<{ event_id: string; n: number }>(
    `SELECT event_id, count(*)::int AS n FROM processor_events WHERE processor = $1 AND event_id = ANY ($2)
      GROUP BY event_id`,
    [processor, eventIds],
  );
  return new Map(rows.map((r) => [r.event_id, r.n]));
}

/** The stored copies of inbound messages carrying `marker` in their raw bytes, and the claims they became. */
export async function storedInboundMails(db: Queryable, marker: string) {
  const { rows } = await db.query<{ n: number; claims: string[] }>(
    `SELECT count(*)::int AS n, coalesce(array_agg(DISTINCT claim_id) FILTER (WHERE claim_id IS NOT NULL), '{}') AS claims
       FROM inbound_mails WHERE position(convert_to($1, 'UTF8') IN raw) > 0`,
    [marker],
  );
  return { copies: rows[0]?.n ?? 0, claimIds: rows[0]?.claims ?? [] };
}
