import { minorFromDb, money, type Money } from '../common/money';
import type { Queryable, Tx } from './index';

/**
 * Credit holds: credits equal to a disputed recharge, set aside while the dispute is open. A held
 * amount is not spendable (consumeCredits subtracts it) and not yet deducted (the balance keeps it);
 * it is released when the dispute is won, or deducted (an 'adjust' movement) when it is lost or accepted.
 * Callers hold the account row lock, the same lock consumption takes, so a hold and a spend never race.
 */

export interface CreditHold {
  chargebackId: string;
  accountId: string;
  amount: Money;
  state: 'held' | 'released' | 'deducted';
  clause: string;
  placedAt: string;
  settledAt: string | null;
}

interface HoldRow {
  chargeback_id: string;
  account_id: string;
  amount_minor: string;
  currency: string;
  state: CreditHold['state'];
  clause: string;
  placed_at: Date;
  settled_at: Date | null;
}

function toHold(r: HoldRow): CreditHold {
  return {
    chargebackId: r.chargeback_id,
    accountId: r.account_id,
    amount: money(minorFromDb(r.amount_minor), r.currency.trim()),
    state: r.state,
    clause: r.clause,
    placedAt: r.placed_at.toISOString(),
    settledAt: r.settled_at?.toISOString() ?? null,
  };
}

/** What live holds keep from being spent, in one currency. */
export async function heldCreditsMinor(db: Queryable, accountId: string, currency: string): Promise<number> {
  const { rows } = await db.query<{ held: string | null }>(
    `SELECT sum(amount_minor) AS held FROM credit_holds WHERE account_id = $1 AND currency = $2 AND state = 'held'`,
    [accountId, currency],
  );
  return minorFromDb(rows[0]?.held ?? '0');
}

async function spendableMinor(tx: Queryable, accountId: string, currency: string, at: Date): Promise<number> {
  const { rows } = await tx.query<{ remaining: string | null }>(
    `SELECT sum(remaining_minor) AS remaining FROM credit_grants
      WHERE account_id = $1 AND currency = $2 AND (expires_at IS NULL OR expires_at > $3)`,
    [accountId, currency, at],
  );
  return Math.max(0, minorFromDb(rows[0]?.remaining ?? '0') - (await heldCreditsMinor(tx, accountId, currency)));
}

/**
 * Holds up to `amount` of the account's spendable credit for a dispute, once per chargeback. The hold
 * is capped at what is spendable now: credits already spent cannot be held. Runs in the caller's transaction.
 */
export async function placeCreditHold(
  tx: Tx,
  input: { chargebackId: string; accountId: string; amount: Money; clause: string; at?: Date },
): Promise<{ hold: CreditHold; placed: boolean }> {
  await tx.query('SELECT 1 FROM accounts WHERE id = $1 FOR UPDATE', [input.accountId]);
  const existing = await getCreditHold(tx, input.chargebackId);
  if (existing) return { hold: existing, placed: false };
  const spendable = await spendableMinor(tx, input.accountId, input.amount.currency, input.at ?? new Date());
  const { rows } = await tx.query<HoldRow>(
    `INSERT INTO credit_holds (chargeback_id, account_id, amount_minor, currency, clause) VALUES ($1, $2, $3, $4, $5)
     RETURNING chargeback_id, account_id, amount_minor, currency, state, clause, placed_at, settled_at`,
    [
      input.chargebackId,
      input.accountId,
      Math.min(input.amount.amountMinor, spendable),
      input.amount.currency,
      input.clause,
    ],
  );
  return { hold: toHold(rows[0]!), placed: true };
}

export async function getCreditHold(db: Queryable, chargebackId: string): Promise<CreditHold | undefined> {
  const { rows } = await db.query<HoldRow>(
    'SELECT chargeback_id, account_id, amount_minor, currency, state, clause, placed_at, settled_at FROM credit_holds WHERE chargeback_id = $1',
    [chargebackId],
  );
  return rows[0] && toHold(rows[0]);
}

export async function listAccountHolds(db: Queryable, accountId: string): Promise<CreditHold[]> {
  const { rows } = await db.query<HoldRow>(
    `SELECT chargeback_id, account_id, amount_minor, currency, state, clause, placed_at, settled_at FROM credit_holds
      WHERE account_id = $1 ORDER BY placed_at`,
    [accountId],
  );
  return rows.map(toHold);
}

/**
 * Ends a live hold: released (spendable again) or deducted ('adjust' movements, soonest-expiring grant
 * first, keyed per grant so a retry deducts once). A hold already ended is returned as it is.
 */
export async function settleCreditHold(
  tx: Tx,
  input: { chargebackId: string; as: 'released' | 'deducted'; actor: string; why: string },
): Promise<CreditHold | undefined> {
  const hold = await getCreditHold(tx, input.chargebackId);
  if (!hold || hold.state !== 'held') return hold;
  await tx.query('SELECT 1 FROM accounts WHERE id = $1 FOR UPDATE', [hold.accountId]);
  if (input.as === 'deducted') await deductHeld(tx, hold, input.actor, input.why);
  const { rows } = await tx.query<HoldRow>(
    `UPDATE credit_holds SET state = $2, settled_at = clock_timestamp() WHERE chargeback_id = $1 AND state = 'held'
     RETURNING chargeback_id, account_id, amount_minor, currency, state, clause, placed_at, settled_at`,
    [input.chargebackId, input.as],
  );
  return rows[0] ? toHold(rows[0]) : getCreditHold(tx, input.chargebackId);
}

async function deductHeld(tx: Tx, hold: CreditHold, actor: string, why: string): Promise<void> {
  const { rows: grants } = await tx.query<{ id: string; remaining_minor: string }>(
    `SELECT id, remaining_minor FROM credit_grants WHERE account_id = $1 AND currency = $2 AND remaining_minor > 0
      ORDER BY expires_at ASC NULLS LAST, granted_at, id FOR UPDATE`,
    [hold.accountId, hold.amount.currency],
  );
  let left = hold.amount.amountMinor;
  for (const g of grants) {
    if (left === 0) break;
    const take = Math.min(left, minorFromDb(g.remaining_minor));
    await tx.query(
      `INSERT INTO credit_movements (account_id, grant_id, kind, amount_minor, currency, actor, why, operation, idempotency_key)
       VALUES ($1, $2, 'adjust', $3, $4, $5, $6, $7, $8) ON CONFLICT (idempotency_key) DO NOTHING`,
      [
        hold.accountId,
        g.id,
        -take,
        hold.amount.currency,
        actor,
        why,
        `chargeback:${hold.chargebackId}:deduct`,
        `chargeback:${hold.chargebackId}:deduct:${g.id}`,
      ],
    );
    left -= take;
  }
}
