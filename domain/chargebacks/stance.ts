import type { PolicyPack } from '../policy/schema';

/** A clause as the case log cites it. */
export interface StanceCitation {
  clause: string;
  quote: string;
  assumption?: string;
}

/** What the policy says to do the moment a dispute opens. */
export interface ChargebackStance {
  /** Suspend the account at once; otherwise a person decides. */
  suspendImmediately: boolean;
  suspension: StanceCitation;
  /** Hold credits equal to the disputed amount (not spendable, not yet deducted). */
  holdCredits: boolean;
  creditHold: StanceCitation;
  /** Cited when a person terminates the account over a dispute. */
  termination: StanceCitation;
}

function cite({ clause, quote, assumption }: StanceCitation): StanceCitation {
  return assumption ? { clause, quote, assumption } : { clause, quote };
}

/** Reads the pack's `chargebacks` section into the stance applied when a dispute opens. */
export function stanceOf(pack: PolicyPack): ChargebackStance {
  const { suspension, disputedCredits, lostDispute } = pack.chargebacks;
  return {
    suspendImmediately: suspension.onDispute === 'immediate',
    suspension: cite(suspension),
    holdCredits: disputedCredits.hold,
    creditHold: cite(disputedCredits),
    termination: cite(lostDispute),
  };
}
