import { ApplicationFailure } from '@temporalio/activity';
import type { Actor, Assessment, ClaimStatus, Decision, EvidenceCheck } from '../common/claim';
import type { CustomerReplyInput, StaffDecisionInput } from '../common/messages';
import { formatMoney, money } from '../common/money';
import { REFUSALS } from '../common/refusals';
import { withTransaction, type Db, type Queryable } from '../db';
import {
  getClaim,
  lockClaimStatus,
  type ClaimRecord,
  mergeCustomerReply,
  saveDecision,
  saveEvidence,
  updateClaimStatus,
} from '../db/claims';
import { appendClaimEvent, appendClaimMove } from '../db/events';
import { fetchLedgerFacts } from '../db/ledger';
import {
  holdsOfOtherClaims,
  lockAccountForRemedies,
  lockAccountOfClaim,
  registerWaiter,
  releaseHolds,
  reserveRemedyItems,
  RemedyLimitExceeded,
  takeWaiters,
} from '../db/remedies';
import { assessClaim, PolicyViolation, staffDecision, type LoadedPolicy } from '../domain/policy';
import type { ActivityDeps } from './deps';
import { assertReplyWithinLimits } from './claim-limits';
import { loadPinnedClaim, type PinnedClaim } from './pinned-claim';
import { remedyItemsOf } from './remedy-items';

export interface TransitionInput {
  claimId: string;
  eventKey: string;
  type: string;
  to: ClaimStatus | null;
  actor: Actor;
  why: string;
  data?: Record<string, unknown>;
}

function refusal(type: string, message: string, details: unknown[] = []): ApplicationFailure {
  return ApplicationFailure.create({ type, message, nonRetryable: true, details });
}

export function createClaimActivities(deps: ActivityDeps) {
  const { db } = deps;
  const pinned = (claimId: string) => loadPinnedClaim(deps, claimId);

  return {
    /** Moves the case projection and appends the event in one transaction; a retry records nothing twice. */
    async recordTransition(t: TransitionInput): Promise<void> {
      await withTransaction(db, (tx) => writeTransition(tx, t));
    },

    /** Window and evidence check without reservations; kept for claims started before the remedy ledger. */
    async assessClaim(input: { claimId: string }): Promise<Assessment> {
      const { claim, policy } = await pinned(input.claimId);
      const facts = await fetchLedgerFacts(db, claim);
      const assessment = assessClaim(policy, claim, facts);
      await saveEvidence(db, input.claimId, findingsOf(assessment));
      return assessment;
    },

    async runEvidenceCheck(input: { claimId: string }): Promise<EvidenceCheck> {
      return checkEvidence(db, await pinned(input.claimId));
    },

    /**
     * Checks a person's decision against the pinned policy and what other claims left of the items, and
     * resizes the claim's reservation to it; a violation is a business refusal (422), not a retry.
     */
    async validateStaffDecision(input: {
      claimId: string;
      decision: StaffDecisionInput;
      proposal: Decision | null;
    }): Promise<Decision> {
      const { claim, policy } = await pinned(input.claimId);
      try {
        return await withTransaction(db, async (tx) => {
          await lockAccountForRemedies(tx, claim.accountId);
          const facts = await fetchLedgerFacts(tx, claim);
          const decision = staffDecision(policy, claim, input.decision, input.proposal ?? undefined, facts);
          if (decision.outcome !== 'denied') {
            const items = remedyItemsOf({ kind: 'needs_review', proposal: decision, why: [] }, claim.accountId, facts);
            await reserveRemedyItems(tx, claim.claimId, claim.accountId, items);
          }
          return decision;
        });
      } catch (err: unknown) {
        if (err instanceof PolicyViolation) throw refusal(REFUSALS.policyViolation, err.message, [err.code]);
        if (err instanceof RemedyLimitExceeded) {
          const currency = input.proposal?.amount.currency ?? 'USD';
          const message =
            err.remainingMinor === null
              ? `${err.message}; nothing of it remains to be paid back`
              : `only ${formatMoney(money(err.remainingMinor, currency))} of charge ${err.item} remains to be paid back`;
          throw refusal(REFUSALS.policyViolation, message, ['amount_above_remainder']);
        }
        throw err;
      }
    },

    /** Records the decision; a denial releases the claim's reservations, an engine decision those it does not pay. */
    async recordDecision(input: DecisionRecord): Promise<void> {
      await withTransaction(db, (tx) => writeDecision(tx, input));
    },

    /**
     * Releases the claim's remaining reservations when asked, and returns the claims that waited on them,
     * for the workflow to wake; each waiter is returned once.
     */
    async settleRemedyHolds(input: { claimId: string; release: boolean }): Promise<{ wake: string[] }> {
      if (input.release) {
        await withTransaction(db, async (tx) => {
          await lockAccountOfClaim(tx, input.claimId);
          await releaseHolds(tx, input.claimId);
        });
      }
      return { wake: await takeWaiters(db, input.claimId) };
    },

    /** Merges what the customer sent into the claim; the original submission stays in the event log. */
    async applyCustomerReply(input: { claimId: string; eventKey: string; reply: CustomerReplyInput }): Promise<void> {
      const { reply } = input;
      await withTransaction(db, async (tx) => {
        await assertReplyWithinLimits(tx, input.claimId, reply);
        await mergeCustomerReply(tx, input.claimId, reply);
        await appendClaimEvent(tx, {
          claimId: input.claimId,
          eventKey: input.eventKey,
          type: 'customer_replied',
          actor: { type: 'customer', id: (await getClaim(tx, input.claimId)).accountId },
          why: reply.message ?? 'customer supplied the requested information',
          data: { ...reply },
        });
      });
    },
  };
}

/** Moves the case projection and appends the event, inside the caller's transaction. */
export async function writeTransition(tx: Queryable, t: TransitionInput): Promise<void> {
  const from = await appendClaimMove(tx, t);
  if (!from) throw refusal(REFUSALS.unknownClaim, `claim ${t.claimId} does not exist`);
}

/**
 * Window and evidence check that reserves what it would pay, in one transaction under the account's lock: items
 * another claim still holds make this claim wait; what others already paid is left out of the proposal.
 */
export async function checkEvidence(db: Db, { claim, policy }: PinnedClaim): Promise<EvidenceCheck> {
  return withTransaction(db, async (tx) => {
    await lockAccountForRemedies(tx, claim.accountId);
    return checkEvidenceLocked(tx, claim, policy);
  });
}

/** The check itself, under the account's lock the caller's transaction holds. */
async function checkEvidenceLocked(tx: Queryable, claim: ClaimRecord, policy: LoadedPolicy): Promise<EvidenceCheck> {
  const facts = await fetchLedgerFacts(tx, claim);
  const ownRequests = facts.requests.filter((r) => r.accountId === claim.accountId).map((r) => r.requestId);
  const charges = facts.charges.map((c) => c.transactionId);
  const pending = (await holdsOfOtherClaims(tx, claim.claimId, claim.accountId, ownRequests, charges)).filter(
    (h) => h.state === 'pending',
  );
  if (pending.length > 0) {
    const heldBy = [...new Set(pending.map((h) => h.claimId))].sort();
    await registerWaiter(tx, claim.claimId, heldBy);
    return { kind: 'waiting', heldBy, items: [...new Set(pending.map((h) => h.requestId ?? h.transactionId!))] };
  }
  const assessment = assessClaim(policy, claim, facts);
  await reserveRemedyItems(tx, claim.claimId, claim.accountId, remedyItemsOf(assessment, claim.accountId, facts));
  await saveEvidence(tx, claim.claimId, findingsOf(assessment));
  return assessment;
}

export interface DecisionRecord {
  claimId: string;
  eventKey: string;
  decision: Decision;
  to: ClaimStatus;
}

/**
 * Writes the decision, its event and the status under the account's lock, inside the caller's transaction;
 * a denial releases the claim's reservations, an engine decision those it does not pay.
 */
export async function writeDecision(tx: Queryable, input: DecisionRecord): Promise<void> {
  const { decision } = input;
  await lockAccountOfClaim(tx, input.claimId);
  const from = await lockClaimStatus(tx, input.claimId);
  await saveDecision(tx, input.claimId, decision);
  const appended = await appendClaimEvent(tx, {
    claimId: input.claimId,
    eventKey: input.eventKey,
    type: 'decided',
    actor: decision.decidedBy,
    from: from ?? null,
    to: input.to,
    why: decision.reasons.map((r) => `${r.code} (${r.clause})`).join('; '),
    data: {
      outcome: decision.outcome,
      amount: decision.amount,
      remedy: decision.remedy,
      note: decision.note ?? null,
    },
  });
  if (appended) await updateClaimStatus(tx, input.claimId, input.to);
  if (decision.outcome === 'denied') await releaseHolds(tx, input.claimId);
  else if (decision.decidedBy.type === 'system') {
    const unpaid = decision.findings.filter((f) => f.refundable.amountMinor === 0).map((f) => f.requestId);
    if (unpaid.length > 0) await releaseHolds(tx, input.claimId, unpaid);
  }
}

function findingsOf(assessment: Assessment): unknown[] {
  if (assessment.kind === 'needs_info') return [];
  return (assessment.kind === 'decided' ? assessment.decision : assessment.proposal).findings;
}
