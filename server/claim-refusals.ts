import { FINAL_STATUSES, type Decision } from '../common/claim';
import type { StaffDecisionInput } from '../common/messages';
import type { Db } from '../db';
import { findClaim, type ClaimRecord } from '../db/claims';
import { findCreditIssuedAt, findPayout } from '../db/remedies';
import { ClaimIdParam } from './schemas';
import { HttpError } from './errors';

/** The claim named in the path; a malformed or unknown id is simply not found. */
export async function claimFromPath(db: Db, params: unknown): Promise<ClaimRecord> {
  const parsed = ClaimIdParam.safeParse(params);
  const claim = parsed.success ? await findClaim(db, parsed.data.claimId) : undefined;
  if (!claim) throw new HttpError(404, `no claim ${String((params as { claimId?: unknown }).claimId)}`);
  return claim;
}

/** "claim clm_1 is closed (approved, credit sent on 2026-11-20)": what an action on a finished claim is told. */
export async function closedClaimMessage(db: Db, claim: ClaimRecord): Promise<string> {
  const d = claim.decision;
  if (claim.status !== 'closed' || !d) return `claim ${claim.claimId} is ${claim.status} since ${day(claim.updatedAt)}`;
  const sentAt =
    d.remedy === 'refund'
      ? (await findPayout(db, claim.claimId))?.confirmedAt
      : await findCreditIssuedAt(db, claim.claimId);
  return `claim ${claim.claimId} is closed (${d.outcome}, ${d.remedy === 'refund' ? 'refund' : 'credit'} sent on ${day(sentAt ?? claim.updatedAt)})`;
}

/** Refuses any action on a claim that has ended, with the plain reason. */
export async function requireOpenClaim(db: Db, claim: ClaimRecord): Promise<void> {
  if (FINAL_STATUSES.includes(claim.status)) throw new HttpError(409, await closedClaimMessage(db, claim));
}

/** The same person sending the same decision again: they get the first answer. */
export function isSameDecision(
  recorded: Decision | null,
  input: Omit<StaffDecisionInput, 'note'>,
): recorded is Decision {
  if (!recorded || recorded.decidedBy.id !== input.actor.id || recorded.outcome !== input.outcome) return false;
  if (recorded.remedy !== (input.outcome === 'denied' ? 'none' : input.remedy)) return false;
  return input.amountMinor === undefined || input.amountMinor === recorded.amount.amountMinor;
}

function day(iso: string): string {
  return iso.slice(0, 10);
}
