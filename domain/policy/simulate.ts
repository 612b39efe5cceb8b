import type { Assessment, ClaimFacts } from '../../common/claim';
import type { LedgerFacts } from '../../common/ledger';
import { assessClaim } from './assess';
import type { LoadedPolicy } from './loaded';

export interface SimulationInput {
  claim: ClaimFacts;
  facts: LedgerFacts;
}

export interface SimulationResult {
  policy: { id: string; version: string };
  assessment: Assessment;
}

/**
 * Evaluates a claim against ledger facts supplied by the caller, exactly as a real claim's
 * evidence check would, and starts nothing. Support uses it to learn the rules; an operator uses it
 * to try a draft pack before publishing it.
 */
export function simulateClaim(policy: LoadedPolicy, { claim, facts }: SimulationInput): SimulationResult {
  const account = { ...facts.account, id: claim.accountId, policyId: policy.id };
  return {
    policy: { id: policy.id, version: policy.version },
    assessment: assessClaim(policy, claim, { ...facts, account }),
  };
}
