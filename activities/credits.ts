import { ApplicationFailure, heartbeat } from '@temporalio/activity';
import { expireDueCredits } from '../db/credits';
import type { ExpiryResult } from '../domain/credits';
import type { ActivityDeps } from './deps';

export interface ExpireCreditsInput {
  /** ISO instant: every grant whose expiry is at or before it loses what is left. */
  asOf: string;
}

/** The credits ledger's scheduled work. Consumption and grants come in over HTTP (server/routes/credits.ts). */
export function createCreditActivities({ db }: Pick<ActivityDeps, 'db'>) {
  return {
    /**
     * Expires every grant with remaining > 0 and expires_at <= asOf, one movement each. Keyed by
     * grant id, so a retried or repeated run expires nothing twice.
     */
    async expireCredits({ asOf }: ExpireCreditsInput): Promise<ExpiryResult> {
      const at = new Date(asOf);
      if (Number.isNaN(at.getTime())) {
        throw ApplicationFailure.nonRetryable(`asOf is not an instant: ${asOf}`, 'InvalidExpiryInput');
      }
      return expireDueCredits(db, at, { onProgress: (expiredGrants) => heartbeat({ expiredGrants }) });
    },
  };
}

export type CreditActivities = ReturnType<typeof createCreditActivities>;
