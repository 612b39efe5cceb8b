import { openDisputeOnClaimCharge } from '../db/chargebacks';
import type { ActivityDeps } from './deps';

/** The claim workflow's side of a payment dispute (common/dispute-hold.ts). */
export function createDisputeGateActivities({ db }: Pick<ActivityDeps, 'db'>) {
  return {
    /** The remedy gate: a dispute the processor has not decided on the charge this claim names, if any. */
    async openDisputeOnClaimCharge(input: { claimId: string }): Promise<string | null> {
      return openDisputeOnClaimCharge(db, input.claimId);
    },
  };
}
