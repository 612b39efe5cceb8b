import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { AttentionAction } from './unfixable';
import type { Actor, ClaimReason, ClaimStatus, Deadline, Decision, DecisionOutcome, Remedy } from './claim';

/** Started by the API once the claim row is safely stored. */
export interface ClaimWorkflowInput extends Partial<ClaimVisibility> {
  claimId: string;
  /** Set on the run a person started again from needs_attention (workflows/claim-guard.ts): how many retries so far. */
  attentionRetries?: number;
  /**
   * The shape of the run's steps, fixed at its start (workflows/claim.ts): absent on runs started before
   * CLAIM_FLOW_REVISION 1, which keep the shape they recorded.
   */
  flowRevision?: number;
}

/**
 * What new claim runs are started with. 1: the opening move rides on the first evidence check, an automatic credit
 * is written with its decision, the closing move with the last mails, and the status search attribute is published
 * when the claim rests instead of at every move.
 */
export const CLAIM_FLOW_REVISION = 1;

/** What the claim's memo and search attributes show about it in Temporal (absent on claims started earlier). */
export interface ClaimVisibility {
  accountId: string;
  policyId: string;
  reason: ClaimReason;
}

export interface StaffDecisionInput {
  outcome: DecisionOutcome;
  /** Required for partial approval; defaults to the engine's proposal otherwise. */
  amountMinor?: number;
  remedy: Remedy;
  note?: string;
  actor: Actor;
}

export interface InfoRequestInput {
  message: string;
  actor: Actor;
}

export interface CustomerReplyInput {
  requestIds?: string[];
  transactionId?: string;
  invoiceNumber?: string;
  explanation?: string;
  message?: string;
}

export interface PayoutConfirmationInput {
  processorReference: string;
  actor: Actor;
}

export interface WithdrawInput {
  why?: string;
}

export interface ClaimState {
  status: ClaimStatus;
  decision: Decision | null;
  deadlines: Deadline[];
  escalations: string[];
}

export const decideUpdate = defineUpdate<Decision, [StaffDecisionInput]>('decide');
export const requestInfoUpdate = defineUpdate<ClaimStatus, [InfoRequestInput]>('requestInfo');
export const customerReplyUpdate = defineUpdate<ClaimStatus, [CustomerReplyInput]>('customerReply');
export const withdrawUpdate = defineUpdate<ClaimStatus, [WithdrawInput]>('withdraw');
export const confirmPayoutUpdate = defineUpdate<ClaimStatus, [PayoutConfirmationInput]>('confirmPayout');
export const claimStateQuery = defineQuery<ClaimState>('claimState');
/** Sent by a claim that settled its reservations to each claim that waited for them. */
export const remedyHoldSettledSignal = defineSignal('remedyHoldSettled');

/** A person's answer to a claim in needs_attention: start it again, or close it without a remedy. */
export interface AttentionAnswerInput {
  action: AttentionAction;
  why: string;
  actor: Actor;
}
/** Answered with the status the claim moved to (`received` for a retry, `closed` for a close). */
export const answerAttentionUpdate = defineUpdate<ClaimStatus, [AttentionAnswerInput]>('answerAttention');
