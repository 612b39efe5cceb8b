import type { Client } from '@temporalio/client';
import { answerAttentionUpdate } from '../common/messages';
import type { Db } from '../db';
import { getClaim, type ClaimRecord } from '../db/claims';
import { staffActor, type StaffPrincipal } from './auth';
import { AttentionBody } from './attention-body';
import { HttpError } from './errors';
import { claimAction } from './temporal';

/** Leads and admins answer a stopped claim, as they decide claims. */
export const ATTENTION_ROLES = ['lead', 'admin'] as const;

/**
 * A person's answer to a claim in needs_attention, through the claim's workflow (which waits for it):
 * answers with the status the claim moved to.
 */
export async function answerCaseAttention(
  deps: { db: Db; temporal: Client },
  claim: ClaimRecord,
  input: unknown,
  staff: StaffPrincipal,
) {
  const { action, why } = AttentionBody.parse(input);
  if (claim.status !== 'needs_attention') {
    throw new HttpError(
      409,
      `claim ${claim.claimId} is ${claim.status}; only a claim that needs attention is retried or closed this way`,
    );
  }
  await claimAction(deps.temporal, claim.claimId, answerAttentionUpdate, [{ action, why, actor: staffActor(staff) }]);
  return { claimId: claim.claimId, status: (await getClaim(deps.db, claim.claimId)).status };
}
