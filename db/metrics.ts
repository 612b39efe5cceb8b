import { FINAL_STATUSES, type Channel, type ClaimStatus, type DeadlineKind, type DecisionOutcome } from '../common/claim';
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
}

/** json_agg of a grouped subquery, `[]` when it has no rows. */
const rows = (select: string) => `(SELECT coalesce(json_agg(r), '[]'::json) FROM (${select}) r)`;

const OPEN = 'status <> ALL($1::text[])';

// Overdue means what GET /v1/cases?overdue=true means: an open or breached deadline past due, warnings aside.
const FIGURES_SQL = `
SELECT
  ${rows('SELECT policy_id AS policy, channel, count(*)::int AS n FROM claims GROUP BY 1, 2')} AS received,
  ${rows(`SELECT policy_id AS policy, decision->>'outcome' AS outcome,
                 CASE WHEN decision->'decidedBy'->>'type' = 'staff' THEN 'staff' ELSE 'engine' END AS "decidedBy",
                 count(*)::int AS n
            FROM claims WHERE decision IS NOT NULL GROUP BY 1, 2, 3`)} AS decisions,
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
  ${rows(`SELECT kind AS deadline, count(*)::int AS n FROM claim_deadlines WHERE state = 'breached' GROUP BY 1`)} AS breaches,
  ${rows('SELECT currency, sum(amount_minor)::bigint AS "amountMinor" FROM credits_issued GROUP BY 1')} AS "creditsIssued",
  ${rows(`SELECT currency, sum(amount_minor)::bigint AS "amountMinor" FROM payouts WHERE status = 'confirmed' GROUP BY 1`)} AS "refundsPaid"`;

/** Every figure the metrics endpoint shows, from one consistent snapshot of the database. */
export async function readClaimFigures(db: Queryable): Promise<ClaimFigures> {
  const { rows: [figures] } = await db.query<ClaimFigures>(FIGURES_SQL, [FINAL_STATUSES]);
  return figures!;
}
