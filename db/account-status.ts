import type { Queryable, Tx } from './index';
import { listAccountHolds, type CreditHold } from './credit-holds';

export type AccountStatus = 'active' | 'suspended' | 'terminated';

/** An account as GET /v1/accounts/:id shows it: its status, why, and the chargeback behind it. */
export interface AccountView {
  id: string;
  email: string;
  policyId: string;
  currency: string;
  status: AccountStatus;
  statusReason: string | null;
  statusClause: string | null;
  statusChargebackId: string | null;
  statusChangedAt: string | null;
  createdAt: string;
  creditHolds: CreditHold[];
}

export async function getAccountView(db: Queryable, accountId: string): Promise<AccountView | undefined> {
  const { rows } = await db.query<{
    id: string;
    email: string;
    policy_id: string;
    currency: string;
    status: AccountStatus;
    status_reason: string | null;
    status_clause: string | null;
    status_chargeback_id: string | null;
    status_changed_at: Date | null;
    created_at: Date;
  }>(
    `SELECT id, email, policy_id, currency, status, status_reason, status_clause, status_chargeback_id, status_changed_at, created_at
       FROM accounts WHERE id = $1`,
    [accountId],
  );
  const r = rows[0];
  if (!r) return undefined;
  return {
    id: r.id,
    email: r.email,
    policyId: r.policy_id,
    currency: r.currency.trim(),
    status: r.status,
    statusReason: r.status_reason,
    statusClause: r.status_clause,
    statusChargebackId: r.status_chargeback_id,
    statusChangedAt: r.status_changed_at?.toISOString() ?? null,
    createdAt: r.created_at.toISOString(),
    creditHolds: await listAccountHolds(db, accountId),
  };
}

export interface StatusChange {
  accountId: string;
  to: AccountStatus;
  reason: string;
  clause: string | null;
  chargebackId: string;
  /** Reinstate only an account this chargeback suspended (another dispute may still hold it). */
  onlyIfSuspendedBy?: string;
}

/**
 * Changes an account's status for a chargeback, with the reason and clause. Termination is final;
 * a change to the status the account already has changes nothing. Locks the account row.
 */
export async function changeAccountStatus(tx: Tx, c: StatusChange): Promise<{ from: AccountStatus; changed: boolean }> {
  const { rows } = await tx.query<{ status: AccountStatus; status_chargeback_id: string | null }>(
    'SELECT status, status_chargeback_id FROM accounts WHERE id = $1 FOR UPDATE',
    [c.accountId],
  );
  const current = rows[0];
  if (!current) throw new Error(`no account ${c.accountId}`);
  const from = current.status;
  if (from === c.to || from === 'terminated') return { from, changed: false };
  if (c.onlyIfSuspendedBy && current.status_chargeback_id !== c.onlyIfSuspendedBy) return { from, changed: false };
  await tx.query(
    `UPDATE accounts SET status = $2, status_reason = $3, status_clause = $4, status_chargeback_id = $5,
            status_changed_at = clock_timestamp(), updated_at = now() WHERE id = $1`,
    [c.accountId, c.to, c.reason, c.clause, c.chargebackId],
  );
  return { from, changed: true };
}
