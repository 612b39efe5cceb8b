import { FINAL_STATUSES, type ClaimStatus, type Decision } from '../common/claim';
import type {
  ClaimState,
  InfoRequestInput,
  PayoutConfirmationInput,
  StaffDecisionInput,
  WithdrawInput,
} from '../common/messages';

/** Statuses a claim passes through on its own within moments; an action waits for the claim to leave them. */
const MOVING: readonly ClaimStatus[] = ['received', 'checking', 'approved'];

/**
 * Everything one claim workflow knows, in one place. Handlers and the main flow read and change it
 * through these fields; `canWithdraw` is the one place that decides whether a withdrawal is still possible.
 */
export class ClaimRun {
  readonly state: ClaimState = { status: 'received', decision: null, deadlines: [], escalations: [] };
  readonly firedDeadlines = new Set<string>();
  eventSeq = 0;
  proposal: Decision | null = null;
  staffDecision: Decision | null = null;
  /** The input of the accepted staff decision, so the same decision sent again gets the same answer. */
  staffDecisionInput: StaffDecisionInput | null = null;
  deciding = false;
  infoRequest: InfoRequestInput | null = null;
  customerReplied = false;
  withdrawal: WithdrawInput | null = null;
  remedyStarted = false;
  /** Set when a denial is reached: nothing is left to withdraw from. */
  denialReached = false;
  payoutConfirmation: PayoutConfirmationInput | null = null;
  /** A payout confirmation being recorded right now, so a second one is judged against it. */
  confirmingPayout: PayoutConfirmationInput | null = null;
  /** True while the claim waits for another claim's reservation of the same items. */
  waitingForClaims = false;
  holdSettled = false;
  /** A payment dispute on the claim's charge (common/dispute-hold.ts), and how it ended. */
  dispute: { chargebackId: string; outcome: 'won' | 'lost' | null } | null = null;
  /** The customer hears once that a person took the claim over, not again after each information round. */
  reviewNoticeSent = false;

  constructor(readonly claimId: string) {}

  get status(): ClaimStatus {
    return this.state.status;
  }

  get payoutConfirmed(): boolean {
    return this.payoutConfirmation !== null;
  }

  /** The one rule for withdrawals: before the remedy starts, before a denial, before the claim ended. */
  canWithdraw(): boolean {
    return !this.remedyStarted && !this.denialReached && !FINAL_STATUSES.includes(this.status);
  }

  /** The claim rests: a person or the customer has to act next, or it is over. */
  settled(): boolean {
    return !MOVING.includes(this.status) || this.waitingForClaims;
  }

  isFinal(): boolean {
    return FINAL_STATUSES.includes(this.status);
  }

  /** A staff decision sent again with the same content is the same decision. */
  isRepeatOfDecision(input: StaffDecisionInput): boolean {
    const first = this.staffDecisionInput;
    return (
      first !== null &&
      first.outcome === input.outcome &&
      first.remedy === input.remedy &&
      (first.amountMinor ?? null) === (input.amountMinor ?? null) &&
      first.actor.id === input.actor.id
    );
  }
}
