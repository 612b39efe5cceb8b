import { ulid } from 'ulid';
import { minorFromDb, money, type Money } from '../common/money';
import {
  CreditRefusal,
  creditExpiresAt,
  expiryRuleFor,
  type ConsumptionResult,
  type CreditBalance,
  type CreditGrant,
  type CreditMovement,
  type ExpiryResult,
  type GrantKind,
  type MovementKind,
} from '../domain/credits';
import type { LoadedPolicy } from '../domain/policy';
import type { PolicyPack } from '../domain/policy/schema';
import { heldCreditsMinor } from './credit-holds';
import { withTransaction, type Db, type Queryable, type Tx } from './index';

/**
 * The credits ledger. Every change to a grant's remaining amount is a row in credit_movements
 * (append-only); the database applies it to the grant and refuses an overdraft, so
 * balance = sum(movements) = sum(remaining) holds whatever this code does.
 *
 * Lock order, to keep concurrent work deadlock-free: the account row first, then its grants
 * (consume, grant, forfeit); expiry locks one grant at a time and nothing else.
 */

interface GrantRow {
  id: string;
  account_id: string;
  kind: GrantKind;
  amount_minor: string;
  remaining_minor: string;
  currency: string;
  granted_at: Date;
  expires_at: Date | null;
  source: string;
  policy_id: string;
  policy_version: string;
  expiry_clause: string;
}

interface MovementRow {
  id: string;
  account_id: string;
  grant_id: string;
  kind: MovementKind;
  amount_minor: string;
  currency: string;
  at: Date;
  actor: string;
  why: string;
  operation: string;
}

const GRANT_COLUMNS = `id, account_id, kind, amount_minor, remaining_minor, currency, granted_at, expires_at, source,
  policy_id, policy_version, expiry_clause`;
const MOVEMENT_COLUMNS = 'id, account_id, grant_id, kind, amount_minor, currency, at, actor, why, operation';

function toGrant(r: GrantRow): CreditGrant {
  return {
    id: r.id,
    accountId: r.account_id,
    kind: r.kind,
    amountMinor: minorFromDb(r.amount_minor),
    remainingMinor: minorFromDb(r.remaining_minor),
    currency: r.currency,
    grantedAt: r.granted_at.toISOString(),
    expiresAt: r.expires_at?.toISOString() ?? null,
    source: r.source,
    policy: { id: r.policy_id, version: r.policy_version },
    expiryClause: r.expiry_clause,
  };
}

function toMovement(r: MovementRow): CreditMovement {
  return {
    id: String(r.id),
    accountId: r.account_id,
    grantId: r.grant_id,
    kind: r.kind,
    amountMinor: minorFromDb(r.amount_minor),
    currency: r.currency,
    at: r.at.toISOString(),
    actor: r.actor,
    why: r.why,
    operation: r.operation,
  };
}

interface MovementInput {
  accountId: string;
  grantId: string;
  kind: MovementKind;
  amountMinor: number;
  currency: string;
  actor: string;
  why: string;
  operation: string;
  idempotencyKey: string;
}

/** Appends one movement; false when a movement with that idempotency key already exists. */
async function appendMovement(db: Queryable, m: MovementInput): Promise<boolean> {
  const result = await db.query(
    `INSERT INTO credit_movements (account_id, grant_id, kind, amount_minor, currency, actor, why, operation, idempotency_key)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
     ON CONFLICT (idempotency_key) DO NOTHING`,
    [m.accountId, m.grantId, m.kind, m.amountMinor, m.currency, m.actor, m.why, m.operation, m.idempotencyKey],
  );
  return (result.rowCount ?? 0) > 0;
}

/** Locks the account row (see the lock order above); refuses an unknown account. */
async function lockAccount(
  tx: Queryable,
  accountId: string,
): Promise<{ status: string; policyId: string; currency: string }> {
  const { rows } = await tx.query<{ status: string; policy_id: string; currency: string }>(
    'SELECT status, policy_id, currency FROM accounts WHERE id = $1 FOR UPDATE',
    [accountId],
  );
  if (!rows[0]) throw new CreditRefusal('unknown_account', `no account ${accountId}`);
  return { status: rows[0].status, policyId: rows[0].policy_id, currency: rows[0].currency };
}

export interface GrantInput {
  accountId: string;
  kind: GrantKind;
  amount: Money;
  /** Unique per account: 'claim:<id>', 'charge:<transaction id>', 'platform:<key>'. A source is granted once. */
  source: string;
  grantedAt: Date;
  /** The pack whose creditExpiry fixes this grant's expiry, now and forever. */
  policy: LoadedPolicy;
  actor: string;
  why: string;
}

/**
 * Creates a grant and its 'grant' movement, or returns the grant already made from this source.
 * Runs inside the caller's transaction (the grant and its movement commit together).
 */
export async function grantCredits(tx: Tx, input: GrantInput): Promise<{ grant: CreditGrant; created: boolean }> {
  const { accountId, kind, amount, source, grantedAt, policy } = input;
  money(amount.amountMinor, amount.currency);
  if (amount.amountMinor <= 0) throw new RangeError(`a grant must be positive, got ${amount.amountMinor}`);
  await lockAccount(tx, accountId);
  const rule = expiryRuleFor(policy.pack, kind);
  if (!rule) {
    throw new CreditRefusal('not_granted_by_policy', `policy ${policy.id} has no ${kind} credits`, {
      policyId: policy.id,
      kind,
    });
  }
  const expiresAt = creditExpiresAt(rule, grantedAt, policy.pack.calendar.timeZone);
  const inserted = await tx.query<GrantRow>(
    `INSERT INTO credit_grants (id, account_id, kind, amount_minor, currency, granted_at, expires_at, source, policy_id, policy_version, expiry_clause)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
     ON CONFLICT (account_id, source) DO NOTHING
     RETURNING ${GRANT_COLUMNS}`,
    [
      `cg_${ulid()}`,
      accountId,
      kind,
      amount.amountMinor,
      amount.currency,
      grantedAt,
      expiresAt,
      source,
      policy.id,
      policy.version,
      rule.clause,
    ],
  );
  const created = inserted.rows[0];
  if (created) {
    await appendMovement(tx, {
      accountId,
      grantId: created.id,
      kind: 'grant',
      amountMinor: amount.amountMinor,
      currency: amount.currency,
      actor: input.actor,
      why: input.why,
      operation: `grant:${source}`,
      idempotencyKey: `grant:${accountId}:${source}`,
    });
    const { rows } = await tx.query<GrantRow>(`SELECT ${GRANT_COLUMNS} FROM credit_grants WHERE id = $1`, [created.id]);
    return { grant: toGrant(rows[0]!), created: true };
  }
  const { rows } = await tx.query<GrantRow>(
    `SELECT ${GRANT_COLUMNS} FROM credit_grants WHERE account_id = $1 AND source = $2`,
    [accountId, source],
  );
  const existing = toGrant(rows[0]!);
  if (existing.kind !== kind || existing.amountMinor !== amount.amountMinor || existing.currency !== amount.currency) {
    throw new CreditRefusal(
      'idempotency_conflict',
      `source ${source} was already granted as ${existing.kind} ${existing.amountMinor} ${existing.currency}`,
      { grant: existing },
    );
  }
  return { grant: existing, created: false };
}

/**
 * Spends `amount` of an account's credit, soonest-expiring grant first (never-expiring last),
 * refusing (and changing nothing) when the spendable balance is short. Grants past their expiry
 * are not spendable even before the expiry run reaches them. Idempotent by key: the same key
 * again returns what was consumed the first time; with a different amount it is refused.
 */
export async function consumeCredits(
  db: Db,
  accountId: string,
  amount: Money,
  idempotencyKey: string,
  why: string,
  options: { at?: Date; actor?: string } = {},
): Promise<ConsumptionResult> {
  money(amount.amountMinor, amount.currency);
  if (amount.amountMinor <= 0) throw new RangeError(`consume a positive amount, got ${amount.amountMinor}`);
  if (!idempotencyKey) throw new RangeError('an idempotency key is required');
  const at = options.at ?? new Date();
  const actor = options.actor ?? 'system:desk';
  const operation = `consume:${idempotencyKey}`;

  return withTransaction(db, async (tx) => {
    await lockAccount(tx, accountId);
    // After the account lock, so a concurrent request with the same key has committed or not started.
    const previous = await tx.query<MovementRow>(
      `SELECT ${MOVEMENT_COLUMNS} FROM credit_movements WHERE account_id = $1 AND operation = $2 ORDER BY id`,
      [accountId, operation],
    );
    if (previous.rows.length) {
      const parts = previous.rows.map((r) => ({ grantId: r.grant_id, amountMinor: -minorFromDb(r.amount_minor) }));
      const total = parts.reduce((sum, p) => sum + p.amountMinor, 0);
      const currency = previous.rows[0]!.currency;
      if (total !== amount.amountMinor || currency !== amount.currency) {
        throw new CreditRefusal(
          'idempotency_conflict',
          `idempotency key ${idempotencyKey} already consumed ${total} ${currency}`,
          { consumed: { amountMinor: total, currency } },
        );
      }
      return { operation, consumed: money(total, currency), parts, replayed: true };
    }

    const { rows: grants } = await tx.query<{ id: string; remaining_minor: string }>(
      `SELECT id, remaining_minor FROM credit_grants
        WHERE account_id = $1 AND currency = $2 AND remaining_minor > 0 AND (expires_at IS NULL OR expires_at > $3)
        ORDER BY expires_at ASC NULLS LAST, granted_at, id
        FOR UPDATE`,
      [accountId, amount.currency, at],
    );
    // Credits held for an open dispute are not spendable (db/credit-holds.ts).
    const held = await heldCreditsMinor(tx, accountId, amount.currency);
    const available = Math.max(0, grants.reduce((sum, g) => sum + minorFromDb(g.remaining_minor), 0) - held);
    if (available < amount.amountMinor) {
      throw new CreditRefusal(
        'insufficient_credits',
        `account ${accountId} has ${available} ${amount.currency} of spendable credit; ${amount.amountMinor} was asked for`,
        { availableMinor: available, requestedMinor: amount.amountMinor, currency: amount.currency },
      );
    }
    const parts: ConsumptionResult['parts'] = [];
    let left = amount.amountMinor;
    for (const g of grants) {
      if (left === 0) break;
      const take = Math.min(left, minorFromDb(g.remaining_minor));
      await appendMovement(tx, {
        accountId,
        grantId: g.id,
        kind: 'consume',
        amountMinor: -take,
        currency: amount.currency,
        actor,
        why,
        operation,
        idempotencyKey: `consume:${accountId}:${idempotencyKey}:${g.id}`,
      });
      parts.push({ grantId: g.id, amountMinor: take });
      left -= take;
    }
    return { operation, consumed: money(amount.amountMinor, amount.currency), parts, replayed: false };
  });
}

/**
 * Expires what is left of one grant if it expired by `asOf`. The movement key comes from the grant
 * id, so a grant is expired once however often this runs. Returns the amount expired, if any.
 */
export async function expireGrant(
  db: Db,
  grantId: string,
  asOf: Date,
  actor = 'system:credit-expiry',
): Promise<Money | null> {
  return withTransaction(db, async (tx) => {
    const { rows } = await tx.query<GrantRow>(
      `SELECT ${GRANT_COLUMNS} FROM credit_grants WHERE id = $1 AND expires_at <= $2 FOR UPDATE`,
      [grantId, asOf],
    );
    const g = rows[0];
    if (!g?.expires_at) return null;
    const remaining = minorFromDb(g.remaining_minor);
    if (remaining <= 0) return null;
    const appended = await appendMovement(tx, {
      accountId: g.account_id,
      grantId: g.id,
      kind: 'expire',
      amountMinor: -remaining,
      currency: g.currency,
      actor,
      why: `${g.kind} credit expired at ${g.expires_at.toISOString()} under ${g.policy_id} ${g.expiry_clause}`,
      operation: `expiry:${asOf.toISOString()}`,
      idempotencyKey: `expire:${g.id}`,
    });
    return appended ? money(remaining, g.currency) : null;
  });
}

/** The next page of grants due to expire by `asOf`, after `after` in (expires_at, id) order. */
async function dueGrants(db: Queryable, asOf: Date, after: { expiresAt: string; id: string } | null, limit: number) {
  // expires_at as text keeps its microseconds (a JS Date would round them off and break the cursor).
  const { rows } = await db.query<{ id: string; expires_at: string }>(
    `SELECT id, expires_at::text AS expires_at FROM credit_grants
      WHERE remaining_minor > 0 AND expires_at <= $1
        AND ($2::timestamptz IS NULL OR (expires_at, id) > ($2::timestamptz, $3::text))
      ORDER BY expires_at, id
      LIMIT $4`,
    [asOf, after?.expiresAt ?? null, after?.id ?? null, limit],
  );
  return rows;
}

/** Expires every grant with something left whose expiry is at or before `asOf`, one movement each. */
export async function expireDueCredits(
  db: Db,
  asOf: Date,
  options: { batchSize?: number; onProgress?: (expiredGrants: number) => void } = {},
): Promise<ExpiryResult> {
  const batchSize = options.batchSize ?? 500;
  const totals = new Map<string, number>();
  let expiredGrants = 0;
  // Keyset pagination over (expires_at, id), so every candidate is visited once and the loop ends.
  let after: { expiresAt: string; id: string } | null = null;
  for (;;) {
    const rows = await dueGrants(db, asOf, after, batchSize);
    for (const row of rows) {
      const expired = await expireGrant(db, row.id, asOf);
      if (expired) {
        expiredGrants += 1;
        totals.set(expired.currency, (totals.get(expired.currency) ?? 0) + expired.amountMinor);
      }
    }
    options.onProgress?.(expiredGrants);
    const last = rows[rows.length - 1];
    if (!last || rows.length < batchSize) break;
    after = { expiresAt: last.expires_at, id: last.id };
  }
  return {
    asOf: asOf.toISOString(),
    expiredGrants,
    expired: [...totals.entries()]
      .sort(([x], [y]) => x.localeCompare(y))
      .map(([currency, amountMinor]) => money(amountMinor, currency)),
  };
}

/**
 * On termination, forfeits what is left of every grant when the pack says credits are forfeited
 * (one movement per grant, keyed by grant id). Runs in the caller's transaction, after the account
 * row was written (so it holds the account lock).
 */
export async function forfeitCredits(
  tx: Tx,
  accountId: string,
  pack: PolicyPack,
  options: { actor: string; policyId: string; at?: Date },
): Promise<{ forfeited: boolean; grants: { grantId: string; amount: Money }[]; clause: string }> {
  const rule = pack.creditExpiry.onTermination;
  if (!rule.forfeited) return { forfeited: false, grants: [], clause: rule.clause };
  await lockAccount(tx, accountId);
  const { rows } = await tx.query<{ id: string; remaining_minor: string; currency: string }>(
    `SELECT id, remaining_minor, currency FROM credit_grants
      WHERE account_id = $1 AND remaining_minor > 0 ORDER BY expires_at ASC NULLS LAST, granted_at, id FOR UPDATE`,
    [accountId],
  );
  const at = (options.at ?? new Date()).toISOString();
  const grants: { grantId: string; amount: Money }[] = [];
  for (const g of rows) {
    const remaining = minorFromDb(g.remaining_minor);
    const appended = await appendMovement(tx, {
      accountId,
      grantId: g.id,
      kind: 'forfeit',
      amountMinor: -remaining,
      currency: g.currency,
      actor: options.actor,
      why: `account terminated; ${options.policyId} ${rule.clause}: "${rule.quote}"`,
      operation: `termination:${at}`,
      idempotencyKey: `forfeit:${g.id}`,
    });
    if (appended) grants.push({ grantId: g.id, amount: money(remaining, g.currency) });
  }
  return { forfeited: true, grants, clause: rule.clause };
}

export interface CreditStatement {
  accountId: string;
  status: string;
  policyId: string;
  balances: CreditBalance[];
  grants: CreditGrant[];
  movements: CreditMovement[];
  movementCount: number;
}

/** Balance per currency, every grant, and the latest `movementLimit` movements (oldest first), from one snapshot. */
export async function creditStatement(
  db: Db,
  accountId: string,
  options: { at?: Date; movementLimit?: number } = {},
): Promise<CreditStatement | undefined> {
  const at = options.at ?? new Date();
  return withTransaction(db, async (tx) => {
    await tx.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY');
    const { rows: accounts } = await tx.query<{ status: string; policy_id: string; currency: string }>(
      'SELECT status, policy_id, currency FROM accounts WHERE id = $1',
      [accountId],
    );
    const account = accounts[0];
    if (!account) return undefined;
    const balances = await tx.query<{ currency: string; balance_minor: string }>(
      'SELECT currency, balance_minor FROM credit_balances WHERE account_id = $1 ORDER BY currency',
      [accountId],
    );
    const available = await tx.query<{ currency: string; available_minor: string }>(
      `SELECT currency, greatest(0, sum(remaining_minor) - (SELECT coalesce(sum(h.amount_minor), 0) FROM credit_holds h
                WHERE h.account_id = $1 AND h.currency = g.currency AND h.state = 'held')) AS available_minor
         FROM credit_grants g WHERE account_id = $1 AND (expires_at IS NULL OR expires_at > $2) GROUP BY currency`,
      [accountId, at],
    );
    const grants = await tx.query<GrantRow>(
      `SELECT ${GRANT_COLUMNS} FROM credit_grants WHERE account_id = $1 ORDER BY granted_at, id`,
      [accountId],
    );
    const movements = await tx.query<MovementRow>(
      `SELECT * FROM (SELECT ${MOVEMENT_COLUMNS} FROM credit_movements WHERE account_id = $1 ORDER BY id DESC LIMIT $2) m ORDER BY id`,
      [accountId, options.movementLimit ?? 500],
    );
    const count = await tx.query<{ n: string }>('SELECT count(*) AS n FROM credit_movements WHERE account_id = $1', [
      accountId,
    ]);
    const availableBy = new Map(available.rows.map((r) => [r.currency, minorFromDb(r.available_minor)]));
    const balanceRows = balances.rows.length ? balances.rows : [{ currency: account.currency, balance_minor: '0' }];
    return {
      accountId,
      status: account.status,
      policyId: account.policy_id,
      balances: balanceRows.map((r) => ({
        currency: r.currency,
        balanceMinor: minorFromDb(r.balance_minor),
        availableMinor: availableBy.get(r.currency) ?? 0,
      })),
      grants: grants.rows.map(toGrant),
      movements: movements.rows.map(toMovement),
      movementCount: minorFromDb(count.rows[0]!.n),
    };
  });
}
