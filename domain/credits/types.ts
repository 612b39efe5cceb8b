import type { Money } from '../../common/money';

/** The Temporal Schedule that starts creditExpiryWorkflow; created or updated at server start. */
export const CREDIT_EXPIRY_SCHEDULE_ID = 'credit-expiry';

export const GRANT_KINDS = ['purchased', 'promotional', 'service', 'claim'] as const;
export type GrantKind = (typeof GRANT_KINDS)[number];

/** Grants the platform feeds in; claim and service credits come only from a decided claim. */
export const PLATFORM_GRANT_KINDS = ['purchased', 'promotional'] as const;

export const MOVEMENT_KINDS = ['grant', 'consume', 'expire', 'forfeit', 'adjust'] as const;
export type MovementKind = (typeof MOVEMENT_KINDS)[number];

export interface CreditGrant {
  id: string;
  accountId: string;
  kind: GrantKind;
  amountMinor: number;
  remainingMinor: number;
  currency: string;
  grantedAt: string;
  /** null: never expires. */
  expiresAt: string | null;
  source: string;
  policy: { id: string; version: string };
  expiryClause: string;
}

export interface CreditMovement {
  id: string;
  accountId: string;
  grantId: string;
  kind: MovementKind;
  /** Signed: grants add, consumption, expiry and forfeiture subtract. */
  amountMinor: number;
  currency: string;
  at: string;
  actor: string;
  why: string;
  operation: string;
}

export interface CreditBalance {
  currency: string;
  /** Sum of every movement: what the ledger holds. */
  balanceMinor: number;
  /** The part of the balance that may be spent now (grants past expiry but not yet expired excluded). */
  availableMinor: number;
}

export interface ConsumptionResult {
  operation: string;
  consumed: Money;
  /** Per grant, soonest-expiring first. */
  parts: { grantId: string; amountMinor: number }[];
  /** True when this idempotency key was already used and nothing new happened. */
  replayed: boolean;
}

export interface ExpiryResult {
  asOf: string;
  /** Grants expired by this run (a grant already expired by an earlier run is not counted). */
  expiredGrants: number;
  expired: Money[];
}
