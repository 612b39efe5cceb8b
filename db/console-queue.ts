import type { Channel, ClaimReason, ClaimStatus } from '../common/claim';
import { minorFromDb } from '../common/money';
import type { Queryable } from './index';
import { afterPosition, dueKeySql, dueOrderBy, type QueuePosition } from './queue-keyset';

/** The console's queue tabs, in the order they show; all but `chargebacks` list claims. */
export const QUEUE_TABS = ['decide', 'attention', 'customer', 'payout', 'chargebacks', 'overdue'] as const;
export type QueueTab = (typeof QUEUE_TABS)[number];
export type ClaimTab = Exclude<QueueTab, 'chargebacks'>;
const CLAIM_TABS = QUEUE_TABS.filter((t): t is ClaimTab => t !== 'chargebacks');

const FINAL = `('closed', 'denied', 'abandoned', 'withdrawn')`;
/** An SLA deadline that has passed; the lead's early warning is not an SLA of its own. */
const OVERDUE = `EXISTS (SELECT 1 FROM claim_deadlines od WHERE od.claim_id = c.id AND od.state IN ('open', 'breached')
                   AND od.kind <> 'review_warning' AND od.due_at < now())`;

const TAB_CONDITION: Record<ClaimTab, string> = {
  decide: `c.status = 'in_review'`,
  attention: `c.status = 'needs_attention'`,
  customer: `c.status = 'awaiting_customer'`,
  payout: `c.status = 'awaiting_payout'`,
  overdue: `c.status NOT IN ${FINAL} AND (c.escalated_at IS NOT NULL OR ${OVERDUE})`,
};

/** What a queue page shows: one tab, narrowed by policy, account and channel, in due-date order. */
export interface QueueQuery {
  tab: ClaimTab;
  policyId?: string;
  accountId?: string;
  channel?: Channel;
  sort: 'due_asc' | 'due_desc';
  limit: number;
  /** Start after this row (keyset paging); absent for the first page. */
  after?: QueuePosition;
}

/** A page of a queue: its rows, how many rows the tab holds and come before it, and where the next page starts. */
export interface QueueSlice<T> {
  rows: T[];
  total: number;
  before: number;
  next: QueuePosition | null;
}

/** One row of the queue: the claim, what is at stake, and its next SLA deadline. */
export interface QueueRow {
  claimId: string;
  accountId: string;
  accountEmail: string;
  policyId: string;
  policyVersion: string;
  channel: Channel;
  reason: ClaimReason;
  status: ClaimStatus;
  submittedAt: string;
  escalationLevel: string | null;
  atStake: { amountMinor: number; currency: string } | null;
  nextDeadline: { kind: string; dueAt: string; clause: string } | null;
  /** For a claim in needs_attention, the error that stopped it. */
  attention: string | null;
}

interface Row {
  id: string;
  account_id: string;
  email: string;
  policy_id: string;
  policy_version: string;
  channel: Channel;
  reason: ClaimReason;
  status: ClaimStatus;
  submitted_at: Date;
  escalation_level: string | null;
  stake_minor: string | null;
  stake_currency: string | null;
  due_kind: string | null;
  due_at: Date | null;
  due_clause: string | null;
  due_key: string | null;
  total: string;
  attention: string | null;
  before: string;
}

/**
 * One page of a queue tab in one statement, soonest due first (or last) then by id, starting after `q.after`.
 * The amount at stake is the decided amount once there is a decision, otherwise what the claimed requests and charge
 * cost on the customer's own account.
 */
export async function queuePage(db: Queryable, q: QueueQuery): Promise<QueueSlice<QueueRow>> {
  const params: unknown[] = [];
  const where = [TAB_CONDITION[q.tab]];
  if (q.policyId) where.push(`c.policy_id = $${params.push(q.policyId)}`);
  if (q.accountId)
    where.push(`(c.account_id = $${params.push(q.accountId)} OR lower(a.email) = lower($${params.length}))`);
  if (q.channel) where.push(`c.channel = $${params.push(q.channel)}`);
  const direction = q.sort === 'due_desc' ? 'desc' : 'asc';
  const after = q.after ? afterPosition('f.due_at', 'f.id', direction, q.after, params) : 'true';
  const { rows } = await db.query<Row>(
    `WITH filtered AS (
       SELECT c.id, c.account_id, a.email, c.policy_id, c.policy_version, c.channel, c.reason, c.status, c.submitted_at,
              c.escalation_level, c.request_ids, c.transaction_id, c.invoice_number, c.decision, c.attention,
              nd.kind AS due_kind, nd.due_at, nd.clause AS due_clause, count(*) OVER () AS total
         FROM claims c JOIN accounts a ON a.id = c.account_id
         LEFT JOIN LATERAL (
           SELECT d.kind, d.due_at, d.clause FROM claim_deadlines d
            WHERE d.claim_id = c.id AND d.state IN ('open', 'breached') AND d.kind <> 'review_warning'
            ORDER BY d.due_at LIMIT 1) nd ON true
        WHERE ${where.join(' AND ')}),
     page AS (
       SELECT f.*, count(*) FILTER (WHERE NOT (${after})) OVER () AS before FROM filtered f),
     slice AS (
       SELECT * FROM page f WHERE ${after} ORDER BY ${dueOrderBy('f.due_at', 'f.id', direction)}
        LIMIT $${params.push(q.limit + 1)})
     SELECT p.id, p.account_id, p.email, p.policy_id, p.policy_version, p.channel, p.reason, p.status, p.submitted_at,
            p.escalation_level, p.due_kind, p.due_at, p.due_clause, p.total, p.before,
            p.attention ->> 'errorType' || ': ' || (p.attention ->> 'message') AS attention,
            ${dueKeySql('p.due_at')} AS due_key,
            coalesce(p.decision -> 'amount' ->> 'amountMinor', claimed.amount::text) AS stake_minor,
            coalesce(p.decision -> 'amount' ->> 'currency', claimed.currency) AS stake_currency
       FROM slice p
       LEFT JOIN LATERAL (
         SELECT sum(x.amount_minor) AS amount, min(x.currency) AS currency FROM (
           SELECT u.amount_minor, u.currency FROM usage_requests u
            WHERE u.request_id = ANY (p.request_ids) AND u.account_id = p.account_id
           UNION ALL
           SELECT ch.amount_minor, ch.currency FROM charges ch
            WHERE ch.account_id = p.account_id AND (ch.transaction_id = p.transaction_id OR ch.invoice_number = p.invoice_number)
         ) x) claimed ON true
      ORDER BY ${dueOrderBy('p.due_at', 'p.id', direction)}`,
    params,
  );
  return sliceOf(rows, q.limit, toQueueRow);
}

/** The first `limit` rows and, when one more came back, the position the next page starts after. */
function sliceOf<R extends { id: string; due_key: string | null; total: string; before: string }, T>(
  rows: R[],
  limit: number,
  map: (r: R) => T,
): QueueSlice<T> {
  const shown = rows.slice(0, limit);
  const last = shown.at(-1);
  return {
    rows: shown.map(map),
    total: rows[0] ? Number(rows[0].total) : 0,
    before: rows[0] ? Number(rows[0].before) : 0,
    next: rows.length > limit && last ? { dueKey: last.due_key, id: last.id } : null,
  };
}

function toQueueRow(r: Row): QueueRow {
  return {
    claimId: r.id,
    accountId: r.account_id,
    accountEmail: r.email,
    policyId: r.policy_id,
    policyVersion: r.policy_version,
    channel: r.channel,
    reason: r.reason,
    status: r.status,
    submittedAt: r.submitted_at.toISOString(),
    escalationLevel: r.escalation_level,
    // A ledger amount outside the exact range (a claim stopped as MoneyOverflow) shows no stake rather than failing the page.
    atStake:
      r.stake_minor !== null && r.stake_currency && Number.isSafeInteger(Number(r.stake_minor))
        ? { amountMinor: minorFromDb(r.stake_minor), currency: r.stake_currency }
        : null,
    nextDeadline:
      r.due_kind && r.due_at ? { kind: r.due_kind, dueAt: r.due_at.toISOString(), clause: r.due_clause ?? '' } : null,
    attention: r.attention,
  };
}

/** How many claims (or open disputes) each tab holds, for the tab labels. */
export async function queueCounts(db: Queryable): Promise<Record<QueueTab, number>> {
  const { rows } = await db.query<Record<QueueTab, number>>(
    `SELECT ${CLAIM_TABS.map((t) => `count(*) FILTER (WHERE ${TAB_CONDITION[t]})::int AS ${t}`).join(', ')},
            (SELECT count(*)::int FROM chargebacks cb WHERE ${EVIDENCE_DUE}) AS chargebacks
       FROM claims c WHERE c.status NOT IN ${FINAL}`,
  );
  return rows[0]!;
}

/** A dispute still awaiting the desk's answer to the processor (the workflow's own test: open or contest pending, no outcome). */
const EVIDENCE_DUE = `cb.status IN ('open', 'contest_pending') AND cb.outcome IS NULL`;

/** One row of the chargebacks tab: the dispute, its account and policy (null when unmatched), and its due_by. */
export interface ChargebackQueueRow {
  chargebackId: string;
  accountId: string | null;
  accountEmail: string | null;
  policyId: string | null;
  policyVersion: string | null;
  reason: string;
  status: string;
  amount: { amountMinor: number; currency: string };
  dueBy: string | null;
}

/** One page of open disputes in due_by order then id, narrowed by policy and account (id or email); unmatched ones have neither. */
export async function chargebackQueuePage(
  db: Queryable,
  q: Omit<QueueQuery, 'tab' | 'channel'>,
): Promise<QueueSlice<ChargebackQueueRow>> {
  const params: unknown[] = [];
  const where = [EVIDENCE_DUE];
  if (q.policyId) where.push(`cb.policy_id = $${params.push(q.policyId)}`);
  if (q.accountId)
    where.push(`(cb.account_id = $${params.push(q.accountId)} OR lower(a.email) = lower($${params.length}))`);
  const direction = q.sort === 'due_desc' ? 'desc' : 'asc';
  const after = q.after ? afterPosition('f.due_by', 'f.id', direction, q.after, params) : 'true';
  const { rows } = await db.query<{
    id: string;
    account_id: string | null;
    email: string | null;
    policy_id: string | null;
    policy_version: string | null;
    reason: string;
    status: string;
    amount_minor: string;
    currency: string;
    due_by: Date | null;
    due_key: string | null;
    total: string;
    before: string;
  }>(
    `WITH filtered AS (
       SELECT cb.id, cb.account_id, a.email, cb.policy_id, cb.policy_version, cb.reason, cb.status, cb.amount_minor,
              cb.currency, cb.due_by, count(*) OVER () AS total
         FROM chargebacks cb LEFT JOIN accounts a ON a.id = cb.account_id
        WHERE ${where.join(' AND ')}),
     page AS (SELECT f.*, count(*) FILTER (WHERE NOT (${after})) OVER () AS before FROM filtered f)
     SELECT f.*, ${dueKeySql('f.due_by')} AS due_key FROM page f WHERE ${after}
      ORDER BY ${dueOrderBy('f.due_by', 'f.id', direction)} LIMIT $${params.push(q.limit + 1)}`,
    params,
  );
  return sliceOf(rows, q.limit, (r) => ({
    chargebackId: r.id,
    accountId: r.account_id,
    accountEmail: r.email,
    policyId: r.policy_id,
    policyVersion: r.policy_version,
    reason: r.reason,
    status: r.status,
    amount: { amountMinor: minorFromDb(r.amount_minor), currency: r.currency.trim() },
    dueBy: r.due_by?.toISOString() ?? null,
  }));
}
