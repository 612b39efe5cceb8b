import { paysCredit, type Actor, type Deadline, type DeadlineKind, type EvidenceCheck } from '../common/claim';
import { withTransaction } from '../db';
import { openDisputeOnClaimCharge } from '../db/chargebacks';
import { lockAccountOfClaim, releaseHolds, takeWaiters } from '../db/remedies';
import { deadlineFor } from '../domain/policy';
import { checkEvidence, writeDecision, writeTransition, type DecisionRecord, type TransitionInput } from './claims';
import { saveAndLogDeadlines, settleAndLogDeadlines } from './deadlines';
import type { ActivityDeps } from './deps';
import { loadPinnedClaim, type PinnedClaim } from './pinned-claim';
import { createRemedyActivities, writeClaimCredit, type CreditIssued } from './remedies';

/** Deadlines to settle as part of a move, e.g. the review deadlines met when the claim is decided. */
export interface DeadlineSettlement {
  kinds: DeadlineKind[];
  state: 'met' | 'breached' | 'cancelled';
}

/**
 * One move of the claim, written in one transaction: deadlines settled, the status and its event, deadlines
 * planned from the move, and the claim's reservations released or only its waiters collected.
 */
export interface ClaimMove extends TransitionInput {
  settle?: DeadlineSettlement[];
  /** Deadlines counted from `from` (default: the claim's submission). */
  plan?: { kinds: DeadlineKind[]; from?: string };
  /** 'release': free what the claim still reserves and wake its waiters; 'wake': only wake them. */
  holds?: 'release' | 'wake';
}

/** The claim's opening move: the transition to checking and the kinds of deadline it plans. */
export interface EvidenceOpening extends TransitionInput {
  plan: DeadlineKind[];
}

export interface OpenedEvidenceCheck {
  deadlines: Deadline[];
  check: EvidenceCheck;
}

export interface MoveResult {
  deadlines: Deadline[];
  /** Claims that waited on this one's reservations, for the workflow to wake; each is returned once. */
  wake: string[];
}

/** One move of the claim in one transaction (ClaimMove); the claim steps and the closing mail share it. */
export function createClaimMover(deps: ActivityDeps) {
  const { db } = deps;
  // The timer benchmark swaps the planner (bench/timers-at-scale.ts); the policy's business days otherwise.
  const planDeadline = deps.deadlinePlanner ?? deadlineFor;

  /** The move's deadlines from the claim's pinned policy; a move that plans none reads nothing. */
  async function planDeadlines(claimId: string, plan: ClaimMove['plan'], pinned?: PinnedClaim): Promise<Deadline[]> {
    if (!plan?.kinds.length) return [];
    const { claim, policy } = pinned ?? (await loadPinnedClaim(deps, claimId));
    return plan.kinds.map((kind) => planDeadline(policy, kind, plan.from ?? claim.submittedAt));
  }

  /** `pinned`: the claim and its policy when the caller has read them already. */
  return async function moveClaim(move: ClaimMove, pinned?: PinnedClaim): Promise<MoveResult> {
    const { settle = [], plan, holds, ...transition } = move;
    const deadlines = await planDeadlines(move.claimId, plan, pinned);
    return withTransaction(db, async (tx) => {
      if (holds === 'release') await lockAccountOfClaim(tx, move.claimId);
      for (const [i, s] of settle.entries())
        await settleAndLogDeadlines(tx, move.claimId, s.kinds, s.state, `${move.eventKey}:settled-${i}`);
      await writeTransition(tx, transition);
      if (deadlines.length) await saveAndLogDeadlines(tx, move.claimId, deadlines, `${move.eventKey}:planned`);
      if (holds === 'release') await releaseHolds(tx, move.claimId);
      return { deadlines, wake: holds ? await takeWaiters(tx, move.claimId) : [] };
    });
  };
}

/**
 * The lean claim workflow's grouped steps. Each is a short database write run as a local activity: steps
 * that always run together share one transaction, and every event key comes from the workflow, so a retry
 * after a crash writes nothing twice.
 */
export function createClaimStepActivities(deps: ActivityDeps) {
  const { db } = deps;
  const remedies = createRemedyActivities(deps);
  const moveClaim = createClaimMover(deps);

  return {
    moveClaim: (move: ClaimMove) => moveClaim(move),

    /**
     * The claim's first move and its first evidence check, as one activity: the move (status checking, its event,
     * the review deadlines planned and logged) commits first, then the check runs as runEvidenceCheck does, so a
     * check that fails for good leaves the claim stopped while checking. A retry writes nothing twice.
     */
    async openEvidenceCheck({ opening }: { opening: EvidenceOpening }): Promise<OpenedEvidenceCheck> {
      const { plan, ...transition } = opening;
      const pinned = await loadPinnedClaim(deps, opening.claimId);
      const { deadlines } = await moveClaim({ ...transition, plan: { kinds: plan } }, pinned);
      return { deadlines, check: await checkEvidence(db, pinned) };
    },

    /**
     * Records a decision and settles the review deadlines in one transaction; a denial also hands back the
     * claims waiting on its released reservations. Returns a dispute still open on the claim's charge, if any.
     * With `credit`, an approved credit is written in the same transaction unless a dispute is open on the
     * charge (then `credit` is null and the workflow holds the remedy), since the two always run together.
     */
    async recordClaimDecision(
      input: DecisionRecord & { credit?: boolean },
    ): Promise<{ openDispute: string | null; wake: string[]; credit?: CreditIssued | null }> {
      const { credit, ...record } = input;
      // Only a credit is written here, whatever is asked: a refund goes through the processor, a denial pays nothing.
      const pinned = credit && paysCredit(input.decision) ? await loadPinnedClaim(deps, input.claimId) : null;
      return withTransaction(db, async (tx) => {
        await writeDecision(tx, record);
        await settleAndLogDeadlines(
          tx,
          input.claimId,
          ['review_warning', 'review', 'resolution'],
          'met',
          `${input.eventKey}:settled`,
        );
        const wake = input.decision.outcome === 'denied' ? await takeWaiters(tx, input.claimId) : [];
        const openDispute = await openDisputeOnClaimCharge(tx, input.claimId);
        if (!pinned) return { openDispute, wake };
        if (openDispute) return { openDispute, wake, credit: null };
        return { openDispute, wake, credit: await writeClaimCredit(tx, pinned, input.decision) };
      });
    },

    /** Finance's confirmation of the payout and its line in the event log; the same reference again is the same. */
    async recordPayoutConfirmation(input: {
      claimId: string;
      eventKey: string;
      processorReference: string;
      actor: Actor;
    }): Promise<void> {
      const { claimId, processorReference, actor } = input;
      await remedies.confirmPayout({ claimId, processorReference, confirmedBy: actor.id });
      await withTransaction(db, (tx) =>
        writeTransition(tx, {
          claimId,
          eventKey: input.eventKey,
          type: 'payout_confirmed',
          to: null,
          actor,
          why: `processor reference ${processorReference}`,
        }),
      );
    },
  };
}
