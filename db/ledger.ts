import type { LedgerFacts } from '../common/ledger';
import type { Queryable } from './index';

export interface LedgerLookup {
  claimId: string;
  accountId: string;
  requestIds: string[];
  transactionId: string | null;
  invoiceNumber: string | null;
}

/**
 * Everything the evidence check needs in ONE indexed round trip, however many request ids a claim names:
 * the account, the claimed requests (by primary key), the claimed charge with its look-alikes for
 * duplicate detection, outages overlapping any of them, and which of the claimed requests another of
 * the account's claims already credited or refunded.
 */
const LEDGER_FACTS_SQL = `
WITH claimed_requests AS (
  -- Only the claimant's own requests: another account's request is simply not found, and nothing of it is shown.
  SELECT * FROM usage_requests WHERE request_id = ANY($2::text[]) AND account_id = $1
), claimed_charge AS (
  SELECT * FROM charges
   WHERE account_id = $1 AND (transaction_id = $3 OR invoice_number = $4)
), related_charges AS (
  SELECT c.* FROM charges c
   WHERE c.account_id = $1
     AND EXISTS (SELECT 1 FROM claimed_charge cc
                  WHERE c.transaction_id = cc.transaction_id
                     OR c.payment_reference = cc.payment_reference
                     OR (c.amount_minor = cc.amount_minor AND c.created_at BETWEEN cc.created_at - interval '1 day' AND cc.created_at + interval '1 day'))
), relevant_outages AS (
  -- Range overlap (&&) on the same expression as outages_window_gist_idx, probed once per call.
  SELECT DISTINCT o.* FROM claimed_requests r
    JOIN outages o ON tstzrange(o.started_at, coalesce(o.ended_at, 'infinity'), '[]')
                   && tstzrange(r.started_at, greatest(r.started_at, r.completed_at), '[]')
  UNION
  SELECT o.* FROM claimed_charge c
    JOIN outages o ON tstzrange(o.started_at, coalesce(o.ended_at, 'infinity'), '[]')
                   && tstzrange(c.period_start, c.period_end, '()')
   WHERE c.period_start IS NOT NULL AND c.period_end IS NOT NULL
)
SELECT
  (SELECT json_build_object('id', a.id, 'email', a.email, 'policyId', a.policy_id, 'status', a.status, 'currency', a.currency)
     FROM accounts a WHERE a.id = $1) AS account,
  (SELECT coalesce(json_agg(json_build_object(
      'requestId', r.request_id, 'accountId', r.account_id, 'endpoint', r.endpoint, 'model', r.model,
      'httpStatus', r.http_status, 'outcome', r.outcome, 'amountMinor', r.amount_minor, 'currency', r.currency,
      'outputDelivered', r.output_delivered, 'startedAt', r.started_at, 'completedAt', r.completed_at)), '[]')
     FROM claimed_requests r) AS requests,
  (SELECT coalesce(json_agg(json_build_object(
      'transactionId', c.transaction_id, 'invoiceNumber', c.invoice_number, 'paymentReference', c.payment_reference,
      'accountId', c.account_id, 'amountMinor', c.amount_minor, 'currency', c.currency, 'kind', c.kind,
      'periodStart', c.period_start, 'periodEnd', c.period_end, 'createdAt', c.created_at) ORDER BY c.created_at), '[]')
     FROM related_charges c) AS charges,
  (SELECT coalesce(json_agg(json_build_object(
      'id', o.id, 'startedAt', o.started_at, 'endedAt', o.ended_at, 'scheduled', o.scheduled,
      'forceMajeure', o.force_majeure, 'cause', o.cause) ORDER BY o.started_at), '[]')
     FROM relevant_outages o) AS outages,
  (SELECT coalesce(json_agg(json_build_object('requestId', x.request_id, 'claimId', x.claim_id)), '[]') FROM (
     -- The remedy ledger, plus decided claims from before it (their findings name what they paid).
     SELECT h.request_id, h.claim_id FROM remedy_holds h
      WHERE h.account_id = $1 AND h.claim_id <> $5 AND h.state = 'remedied' AND h.request_id = ANY($2::text[])
     UNION
     SELECT f->>'requestId', c.id
       FROM claims c CROSS JOIN LATERAL jsonb_array_elements(c.decision->'findings') f
      WHERE c.account_id = $1 AND c.id <> $5
        AND c.status IN ('approved', 'awaiting_payout', 'closed')
        AND f->>'requestId' = ANY($2::text[])
        AND (f->'refundable'->>'amountMinor')::bigint > 0) x) AS "alreadyRemedied",
  (SELECT coalesce(json_agg(json_build_object(
      'transactionId', h.transaction_id, 'claimId', h.claim_id, 'amountMinor', h.amount_minor, 'currency', h.currency,
      'state', h.state, 'remedy', h.remedy) ORDER BY h.id), '[]')
     FROM remedy_holds h
    WHERE h.claim_id <> $5 AND h.state <> 'released'
      AND h.transaction_id IN (SELECT transaction_id FROM related_charges)) AS "chargeRemedies",
  (SELECT json_build_object('amountMinor', coalesce(sum(g.remaining_minor), 0), 'currency', a.currency)
     FROM accounts a LEFT JOIN credit_grants g ON g.account_id = a.id AND g.currency = a.currency
    WHERE a.id = $1 GROUP BY a.currency) AS "creditBalance"
`;

type Row = Omit<LedgerFacts, 'account'> & { account: LedgerFacts['account'] | null };

export async function fetchLedgerFacts(db: Queryable, lookup: LedgerLookup): Promise<LedgerFacts> {
  // Named, so each connection parses and plans this long statement once instead of on every evidence check.
  const { rows } = await db.query<Row>({
    name: 'ledger-facts',
    text: LEDGER_FACTS_SQL,
    values: [lookup.accountId, lookup.requestIds, lookup.transactionId, lookup.invoiceNumber, lookup.claimId],
  });
  const row = rows[0];
  if (!row?.account) throw new Error(`account ${lookup.accountId} is not in the ledger`);
  return {
    account: row.account,
    requests: row.requests.map((r) => ({ ...r, startedAt: iso(r.startedAt)!, completedAt: iso(r.completedAt) })),
    charges: row.charges.map((c) => ({
      ...c,
      createdAt: iso(c.createdAt)!,
      periodStart: iso(c.periodStart),
      periodEnd: iso(c.periodEnd),
    })),
    outages: row.outages.map((o) => ({ ...o, startedAt: iso(o.startedAt)!, endedAt: iso(o.endedAt) })),
    alreadyRemedied: row.alreadyRemedied,
    chargeRemedies: (row.chargeRemedies ?? []).map((r) => ({ ...r, currency: r.currency.trim() })),
    ...(row.creditBalance && {
      creditBalance: {
        amountMinor: Number(row.creditBalance.amountMinor),
        currency: row.creditBalance.currency.trim(),
      },
    }),
  };
}

/** json_build_object renders timestamptz in PostgreSQL's format; normalise to ISO-8601 UTC. */
function iso(value: string | null): string | null {
  return value === null ? null : new Date(value).toISOString();
}
