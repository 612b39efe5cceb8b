/** Refusals a caller can act on; the HTTP layer maps each to a status. */
export class CreditRefusal extends Error {
  constructor(
    readonly code:
      'insufficient_credits' | 'idempotency_conflict' | 'unknown_account' | 'not_granted_by_policy' | 'unknown_charge',
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'CreditRefusal';
  }
}
