import type { Actor, ClaimStatus } from '../common/claim';
import type { AttentionCause } from '../common/unfixable';
import { withTransaction } from '../db';
import { recordAttentionAnswered, recordNeedsAttention } from '../db/attention';
import type { ActivityDeps } from './deps';

/** The claim guard's two writes: a claim stopped for a person, and the person's answer. */
export function createAttentionActivities({ db }: Pick<ActivityDeps, 'db'>) {
  return {
    /** Moves the claim to needs_attention with its cause, its event and its alert count, in one transaction. */
    async markNeedsAttention(input: { claimId: string; eventKey: string; cause: AttentionCause }): Promise<void> {
      await withTransaction(db, (tx) => recordNeedsAttention(tx, input));
    },

    /** Records what a person did with the claim (retry, close) and the status it moves to. */
    async answerAttention(input: {
      claimId: string;
      eventKey: string;
      type: string;
      actor: Actor;
      why: string;
      to: ClaimStatus;
    }): Promise<void> {
      await withTransaction(db, (tx) => recordAttentionAnswered(tx, input));
    },
  };
}
