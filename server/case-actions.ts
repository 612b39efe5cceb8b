import type { Client } from '@temporalio/client';
import { confirmPayoutUpdate, decideUpdate, requestInfoUpdate } from '../common/messages';
import type { Db } from '../db';
import { getClaim, type ClaimRecord } from '../db/claims';
import { findPayout } from '../db/remedies';
import { staffActor, type StaffPrincipal } from './auth';
import { isSameDecision, requireOpenClaim } from './claim-refusals';
import { HttpError } from './errors';
import { DecisionBody, InfoRequestBody, PayoutConfirmationBody } from './schemas';
import { claimAction } from './temporal';

/** Who may do what: agents triage, leads decide, finance confirms payouts, admins do everything. */
export const CASE_PERMISSIONS = {
  view: ['agent', 'lead', 'finance', 'admin'],
  decide: ['lead', 'admin'],
  requestInfo: ['agent', 'lead', 'admin'],
  confirmPayout: ['finance', 'admin'],
} as const;

/** What the API and the console both need to act on a case. */
export interface CaseActionDeps {
  db: Db;
  temporal: Client;
}

/** Every action answers with the status the claim has after it, read once the claim has moved. */
const statusNow = async (db: Db, claimId: string) => (await getClaim(db, claimId)).status;

/** A person's decision on a claim, through the claim's workflow; the same decision sent again gets the first answer. */
export async function decideCase(deps: CaseActionDeps, claim: ClaimRecord, input: unknown, staff: StaffPrincipal) {
  const body = DecisionBody.parse(input);
  const actor = staffActor(staff);
  // The same decision sent again gets the first answer, even after the claim has closed.
  if (isSameDecision(claim.decision, { ...body, actor }))
    return { claimId: claim.claimId, status: claim.status, decision: claim.decision };
  await requireOpenClaim(deps.db, claim);
  const decision = await claimAction(deps.temporal, claim.claimId, decideUpdate, [{ ...body, actor }]);
  return { claimId: claim.claimId, status: await statusNow(deps.db, claim.claimId), decision };
}

/** Asks the customer for more, through the claim's workflow. */
export async function requestCaseInfo(deps: CaseActionDeps, claim: ClaimRecord, input: unknown, staff: StaffPrincipal) {
  const { message } = InfoRequestBody.parse(input);
  await requireOpenClaim(deps.db, claim);
  const status = await claimAction(deps.temporal, claim.claimId, requestInfoUpdate, [
    { message, actor: staffActor(staff) },
  ]);
  return { claimId: claim.claimId, status };
}

/** Finance confirms the refund was paid, with the processor's reference; confirming again with it is the same act. */
export async function confirmCasePayout(
  deps: CaseActionDeps,
  claim: ClaimRecord,
  input: unknown,
  staff: StaffPrincipal,
) {
  const { processorReference } = PayoutConfirmationBody.parse(input);
  const payout = await findPayout(deps.db, claim.claimId);
  if (payout?.status === 'confirmed' && payout.confirmedReference !== processorReference) {
    throw new HttpError(
      409,
      `the payout of claim ${claim.claimId} was already confirmed with processor reference ${payout.confirmedReference}`,
    );
  }
  // Confirming again with the same reference is the same confirmation.
  if (payout?.status === 'confirmed' && claim.status === 'closed') {
    return { claimId: claim.claimId, status: claim.status };
  }
  await requireOpenClaim(deps.db, claim);
  const status = await claimAction(deps.temporal, claim.claimId, confirmPayoutUpdate, [
    { processorReference, actor: staffActor(staff) },
  ]);
  return { claimId: claim.claimId, status };
}
