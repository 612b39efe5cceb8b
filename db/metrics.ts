import {
  CLAIM_STATUSES,
  FINAL_STATUSES,
  type Channel,
  type ClaimStatus,
  type DeadlineKind,
  type DecisionOutcome,
} from '../common/claim';
import { DEADLINE_CLOCK_RUNNING } from './deadline-sweep';
import type { Queryable } from './index';

/** Who took a decision, as operators count it: the policy engine alone, or a person. */
export type Decider = 'engine' | 'staff';

/** The business figures behind the Prometheus metrics, read in one statement at scrape time. */
export interface ClaimFigures {
  received: { policy: string; channel: Channel; n: number }[];
  decisions: { policy: string; outcome: DecisionOutcome; decidedBy: Decider; n: number }[];
  open: { status: ClaimStatus; n: number }[];
  /** Open claims with a deadline (other than the early warning) already past. */
  overdue: number;
  escalated: { level: string; n: number }[];
  pendingPayouts: { currency: string; n: number; amountMinor: number; oldestAgeSeconds: number }[];
  breaches: { deadline: DeadlineKind; n: number }[];
  creditsIssued: { currency: string; amountMinor: number }[];
  refundsPaid: { currency: string; amountMinor: number }[];
  /** Claims moved to needs_attention, by the error that stopped them (db/attention.ts). */
  needingAttention: { errorType: string; n: number }[];
  /** Claims committed whose workflow is not started yet (the outbox), and how long the oldest has waited. */
  claimStarts: { pending: number; oldestAgeSeconds: number };
  /** Deadlines due that the sweep has not fired yet, how late the oldest is, and its alerts not yet sent. */
  deadlineSweep: { dueUnfired: number; lagSeconds: number; alertsUnsent: number };
}

/** json_agg of a subquery, `[]` when it has no rows. */
const rows = (select: string) => `(SELECT coalesce(json_agg(r), '[]'::json) FROM (${select}) r)`;
/** One running total per series (migration 007 keeps them, in slots since 012), with its labels as columns. */
const tally = (metric: string, columns: Record<string, string>, valueAs: 'n' | 'amountMinor') =>
  rows(`SELECT ${Object.entries(columns)
    .map(([label, as]) => `labels->>'${label}' AS "${as}"`)
    .join(', ')}, sum(value)::bigint AS "${valueAs}"
          FROM claim_tallies WHERE metric = '${metric}' GROUP BY labels HAVING sum(value) <> 0`);

// Open claims are found through the status index, so the cost follows the open cases, not the history.
const OPEN = 'status = ANY($1::text[])';

// Overdue means what GET /v1/cases?overdue=true means: an open or breached deadline past due, warnings aside.
const FIGURES_SQL = `
SELECT
  ${tally('claims_received', { policy: 'policy', channel: 'channel' }, 'n')} AS received,
  ${tally('decisions', { policy: 'policy', outcome: 'outcome', decided_by: 'decidedBy' }, 'n')} AS decisions,
  ${rows(`SELECT status, count(*)::int AS n FROM claims WHERE ${OPEN} GROUP BY 1`)} AS open,
  (SELECT count(*)::int FROM claims c
    WHERE c.${OPEN}
      AND EXISTS (SELECT 1 FROM claim_deadlines d WHERE d.claim_id = c.id AND d.state IN ('open', 'breached')
                     AND d.kind <> 'review_warning' AND d.due_at < now())) AS overdue,
  ${rows(`SELECT escalation_level AS level, count(*)::int AS n FROM claims
            WHERE escalated_at IS NOT NULL AND ${OPEN} GROUP BY 1`)} AS escalated,
  ${rows(`SELECT currency, count(*)::int AS n, sum(amount_minor)::bigint AS "amountMinor",
                 extract(epoch FROM now() - min(created_at))::float8 AS "oldestAgeSeconds"
            FROM payouts WHERE status = 'pending' GROUP BY 1`)} AS "pendingPayouts",
  ${tally('sla_breaches', { deadline: 'deadline' }, 'n')} AS breaches,
  ${tally('credits_issued_minor', { currency: 'currency' }, 'amountMinor')} AS "creditsIssued",
  ${tally('refunds_paid_minor', { currency: 'currency' }, 'amountMinor')} AS "refundsPaid",
  ${tally('claims_needing_attention', { error_type: 'errorType' }, 'n')} AS "needingAttention",
  (SELECT json_build_object('pending', count(*),
                            'oldestAgeSeconds', coalesce(extract(epoch FROM now() - min(enqueued_at)), 0)::float8)
     FROM claim_outbox) AS "claimStarts",
  (SELECT json_build_object('dueUnfired', count(*),
                            'lagSeconds', coalesce(extract(epoch FROM now() - min(d.due_at)), 0)::float8,
                            'alertsUnsent', (SELECT count(*) FROM claim_deadlines
                                              WHERE fired_by = 'sweep' AND alerted_at IS NULL))
     FROM claim_deadlines d JOIN claims c ON c.id = d.claim_id
    WHERE d.state = 'open' AND d.fired_at IS NULL AND d.due_at <= now() AND ${DEADLINE_CLOCK_RUNNING}) AS "deadlineSweep"`;

const OPEN_STATUSES = CLAIM_STATUSES.filter((s) => !FINAL_STATUSES.includes(s));

/** Every figure the metrics endpoint shows, from one consistent snapshot of the database. */
export async function readClaimFigures(db: Queryable): Promise<ClaimFigures> {
  const {
    rows: [figures],
  } = await db.query<ClaimFigures>(FIGURES_SQL, [OPEN_STATUSES]);
  return figures!;
}
