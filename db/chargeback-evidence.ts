import { minorFromDb, money } from '../common/money';
import type {
  EvidenceAccount,
  EvidenceCharge,
  EvidenceClaim,
  EvidenceMail,
  EvidenceRemedy,
  EvidenceUsage,
} from '../domain/chargebacks';
import type { Queryable } from './index';

/** The ledger's side of a disputed charge, read for the evidence pack. */

export async function evidenceCharge(db: Queryable, transactionId: string): Promise<EvidenceCharge | null> {
  const { rows } = await db.query<{
    transaction_id: string;
    amount_minor: string;
    currency: string;
    kind: string;
    created_at: Date;
    invoice_number: string | null;
    payment_reference: string | null;
  }>(
    'SELECT transaction_id, amount_minor, currency, kind, created_at, invoice_number, payment_reference FROM charges WHERE transaction_id = $1',
    [transactionId],
  );
  const r = rows[0];
  return r
    ? {
        transactionId: r.transaction_id,
        amount: money(minorFromDb(r.amount_minor), r.currency.trim()),
        kind: r.kind,
        createdAt: r.created_at.toISOString(),
        invoiceNumber: r.invoice_number,
        paymentReference: r.payment_reference,
      }
    : null;
}

export async function evidenceAccount(
  db: Queryable,
  accountId: string,
  policy: { id: string; version: string; title: string },
): Promise<EvidenceAccount | null> {
  const { rows } = await db.query<{ id: string; email: string; created_at: Date; status: string }>(
    'SELECT id, email, created_at, status FROM accounts WHERE id = $1',
    [accountId],
  );
  const r = rows[0];
  return r ? { id: r.id, email: r.email, createdAt: r.created_at.toISOString(), status: r.status, policy } : null;
}

/** Requests, success rate, outputs and credits consumed since `since` (the purchase), in one snapshot per table. */
export async function evidenceUsage(
  db: Queryable,
  accountId: string,
  since: string,
  currency: string,
  sampleSize = 20,
): Promise<EvidenceUsage> {
  const { rows: totals } = await db.query<{
    requests: string;
    succeeded: string;
    delivered: string;
    charged: string | null;
    first_at: Date | null;
    last_at: Date | null;
  }>(
    `SELECT count(*) AS requests, count(*) FILTER (WHERE outcome = 'success') AS succeeded,
            count(*) FILTER (WHERE output_delivered) AS delivered, sum(amount_minor) FILTER (WHERE currency = $3) AS charged,
            min(started_at) AS first_at, max(started_at) AS last_at
       FROM usage_requests WHERE account_id = $1 AND started_at >= $2`,
    [accountId, since, currency],
  );
  const { rows: consumed } = await db.query<{ consumed: string | null }>(
    `SELECT -sum(amount_minor) AS consumed FROM credit_movements
      WHERE account_id = $1 AND kind = 'consume' AND currency = $3 AND at >= $2`,
    [accountId, since, currency],
  );
  const { rows: sample } = await db.query<{
    request_id: string;
    started_at: Date;
    endpoint: string;
    http_status: number;
    output_delivered: boolean;
  }>(
    `SELECT request_id, started_at, endpoint, http_status, output_delivered FROM usage_requests
      WHERE account_id = $1 AND started_at >= $2 ORDER BY started_at DESC LIMIT $3`,
    [accountId, since, sampleSize],
  );
  const t = totals[0]!;
  const requests = minorFromDb(t.requests);
  const succeeded = minorFromDb(t.succeeded);
  return {
    since,
    requests,
    succeeded,
    successRate: requests ? succeeded / requests : null,
    outputsDelivered: minorFromDb(t.delivered),
    charged: money(minorFromDb(t.charged ?? '0'), currency),
    creditsConsumed: money(minorFromDb(consumed[0]?.consumed ?? '0'), currency),
    firstRequestAt: t.first_at?.toISOString() ?? null,
    lastRequestAt: t.last_at?.toISOString() ?? null,
    sample: sample.map((s) => ({
      requestId: s.request_id,
      startedAt: s.started_at.toISOString(),
      endpoint: s.endpoint,
      httpStatus: s.http_status,
      outputDelivered: s.output_delivered,
    })),
  };
}

interface DecisionJson {
  outcome?: string;
  amount?: { amountMinor: number; currency: string };
  remedy?: string;
  reasons?: { clause?: string }[];
}

export async function evidenceClaims(db: Queryable, accountId: string): Promise<EvidenceClaim[]> {
  const { rows } = await db.query<{
    id: string;
    reason: string;
    status: string;
    submitted_at: Date;
    decision: DecisionJson | null;
  }>('SELECT id, reason, status, submitted_at, decision FROM claims WHERE account_id = $1 ORDER BY submitted_at', [
    accountId,
  ]);
  return rows.map((r) => ({
    claimId: r.id,
    reason: r.reason,
    status: r.status,
    submittedAt: r.submitted_at.toISOString(),
    outcome: r.decision?.outcome ?? null,
    amount: r.decision?.amount ?? null,
    remedy: r.decision?.remedy ?? null,
    clauses: [...new Set((r.decision?.reasons ?? []).map((x) => x.clause).filter((c): c is string => Boolean(c)))],
  }));
}

/** Credits and refunds the desk already paid on claims that name this charge. */
export async function evidenceRemedies(db: Queryable, transactionId: string): Promise<EvidenceRemedy[]> {
  const { rows } = await db.query<{
    kind: 'credit' | 'refund';
    claim_id: string;
    amount_minor: string;
    currency: string;
    at: Date;
    state: string;
  }>(
    `SELECT 'credit' AS kind, ci.claim_id, ci.amount_minor, ci.currency, ci.created_at AS at, 'issued' AS state
       FROM credits_issued ci JOIN claims c ON c.id = ci.claim_id WHERE c.transaction_id = $1
     UNION ALL
     SELECT 'refund', p.claim_id, p.amount_minor, p.currency, p.created_at, p.status
       FROM payouts p JOIN claims c ON c.id = p.claim_id WHERE c.transaction_id = $1
     ORDER BY at`,
    [transactionId],
  );
  return rows.map((r) => ({
    kind: r.kind,
    claimId: r.claim_id,
    amount: money(minorFromDb(r.amount_minor), r.currency.trim()),
    at: r.at.toISOString(),
    state: r.state,
  }));
}

/** Mail the desk sent the customer about claims and chargebacks, oldest first. */
export async function evidenceMails(db: Queryable, accountId: string): Promise<EvidenceMail[]> {
  const { rows } = await db.query<{ recipient: string; subject: string; sent_at: Date; about: string }>(
    `SELECT n.recipient, n.subject, n.sent_at, 'claim ' || n.claim_id AS about
       FROM notifications n JOIN claims c ON c.id = n.claim_id JOIN accounts a ON a.id = c.account_id
      WHERE c.account_id = $1 AND lower(n.recipient) = lower(a.email)
     UNION ALL
     SELECT n.recipient, n.subject, n.sent_at, 'chargeback ' || n.chargeback_id
       FROM chargeback_notifications n JOIN chargebacks cb ON cb.id = n.chargeback_id JOIN accounts a ON a.id = cb.account_id
      WHERE cb.account_id = $1 AND lower(n.recipient) = lower(a.email)
     ORDER BY sent_at`,
    [accountId],
  );
  return rows.map((r) => ({ to: r.recipient, subject: r.subject, sentAt: r.sent_at.toISOString(), about: r.about }));
}
