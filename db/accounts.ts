import type { Queryable } from './index';

/** A customer account as the platform feeds it. */
export interface AccountRow {
  id: string;
  email: string;
  policyId: string;
  status: 'active' | 'suspended' | 'terminated';
  currency: string;
}

/**
 * Stores an account, or replaces its details (the platform's PUT). With `keepExisting`, an account already
 * there is left as it is (demo data). Returns whether the row is new.
 */
export async function saveAccount(
  db: Queryable,
  account: AccountRow,
  { keepExisting = false } = {},
): Promise<{ inserted: boolean }> {
  const onConflict = keepExisting
    ? 'DO NOTHING'
    : `DO UPDATE SET email = EXCLUDED.email, policy_id = EXCLUDED.policy_id, status = EXCLUDED.status,
                     currency = EXCLUDED.currency, updated_at = now()`;
  const { rows } = await db.query<{ inserted: boolean }>(
    `INSERT INTO accounts (id, email, policy_id, status, currency) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (id) ${onConflict}
     RETURNING (xmax = 0) AS inserted`,
    [account.id, account.email, account.policyId, account.status, account.currency],
  );
  return { inserted: rows[0]?.inserted ?? false };
}

/** The account a claim names by id, by email, or by both (both must then agree). */
export async function findClaimantAccount(
  db: Queryable,
  by: { accountId: string | null; email: string | null },
): Promise<{ id: string; email: string; policyId: string } | undefined> {
  const { rows } = await db.query<{ id: string; email: string; policy_id: string }>(
    `SELECT id, email, policy_id FROM accounts
      WHERE ($1::text IS NULL OR id = $1) AND ($2::text IS NULL OR lower(email) = lower($2))`,
    [by.accountId, by.email],
  );
  return rows[0] && { id: rows[0].id, email: rows[0].email, policyId: rows[0].policy_id };
}

/** The account's policy and currency, locked until the transaction ends (credit grants). */
export async function lockAccountTerms(
  tx: Queryable,
  accountId: string,
): Promise<{ policyId: string; currency: string } | undefined> {
  const { rows } = await tx.query<{ policy_id: string; currency: string }>(
    'SELECT policy_id, currency FROM accounts WHERE id = $1 FOR UPDATE',
    [accountId],
  );
  return rows[0] && { policyId: rows[0].policy_id, currency: rows[0].currency };
}

/** The account's currency, if the account exists. */
export async function accountCurrency(db: Queryable, accountId: string): Promise<string | undefined> {
  const { rows } = await db.query<{ currency: string }>('SELECT currency FROM accounts WHERE id = $1', [accountId]);
  return rows[0]?.currency;
}
