import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { ChargebackDeadline, ChargebackStatus, DisputeOutcome, StripeDisputeEvidence } from './chargeback-types';
import type { Actor } from './claim';

/** Started (signal-with-start) by intake once the processor event is stored. */
export interface ChargebackWorkflowInput {
  chargebackId: string;
}

/** Carries only the inbox key; the activity reads the stored event, so the history stays small. */
export interface DisputeEventSignal {
  processor: string;
  eventId: string;
}

export interface ContestInput {
  /** Replacements for mapped Stripe evidence fields; an empty string clears one. */
  evidence?: StripeDisputeEvidence;
  note?: string;
  actor: Actor;
}

export interface ConfirmSubmissionInput {
  processorReference?: string;
  actor: Actor;
}

export interface StaffActionInput {
  why: string;
  actor: Actor;
}

/** What the workflow knows about its case; the API reads the rest from PostgreSQL. */
export interface ChargebackState {
  status: ChargebackStatus;
  processorStatus: string | null;
  outcome: DisputeOutcome | null;
  dueBy: string | null;
  unmatched: boolean;
  accountStatus: 'active' | 'suspended' | 'terminated' | null;
  creditsHeld: boolean;
  deadlines: ChargebackDeadline[];
  escalations: string[];
}

/** Business refusals raised to callers of chargeback actions. */
export const CHARGEBACK_REFUSALS = {
  wrongState: 'ChargebackNotInExpectedState',
} as const;

/** Workflow id from the processor and its dispute id, so events in any order reach the same run. */
export function chargebackWorkflowId(chargebackId: string): string {
  return `chargeback-${chargebackId}`;
}

export const disputeEventSignal = defineSignal<[DisputeEventSignal]>('disputeEvent');
export const acceptDisputeUpdate = defineUpdate<ChargebackStatus, [StaffActionInput]>('acceptDispute');
export const contestDisputeUpdate = defineUpdate<ChargebackStatus, [ContestInput]>('contestDispute');
export const confirmSubmissionUpdate = defineUpdate<ChargebackStatus, [ConfirmSubmissionInput]>(
  'confirmEvidenceSubmitted',
);
export const suspendAccountUpdate = defineUpdate<ChargebackState, [StaffActionInput]>('suspendAccount');
export const reinstateAccountUpdate = defineUpdate<ChargebackState, [StaffActionInput]>('reinstateAccount');
export const terminateAccountUpdate = defineUpdate<ChargebackState, [StaffActionInput]>('terminateAccount');
export const chargebackStateQuery = defineQuery<ChargebackState>('chargebackState');
