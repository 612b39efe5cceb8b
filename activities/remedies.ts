import { ApplicationFailure } from '@temporalio/activity';
import type { Decision } from '../common/claim';
import { creditIdempotencyKey, payoutIdempotencyKey } from '../common/ids';
import { formatMoney } from '../common/money';
import { REFUSALS } from '../common/refusals';
import { withTransaction, type Tx } from '../db';
import type { ClaimRecord } from '../db/claims';
import { grantCredits } from '../db/credits';
import { appendClaimEvent } from '../db/events';
import {
  confirmClaimPayout,
  insertClaimCredit,
  insertClaimPayout,
  lockAccountForRemedies,
  markHoldsRemedied,
  setProcessorReference,
  type PayoutRow,
} from '../db/remedies';
import { creditExpiresAt, expiryRuleFor } from '../domain/credits';
import type { LoadedPolicy } from '../domain/policy';
import type { ActivityDeps } from './deps';
import { loadPinnedClaim } from './pinned-claim';

export interface CreditIssued {
  creditId: string;
  amountMinor: number;
  currency: string;
}

export interface PayoutRecorded {
  payoutId: string;
  processorReference: string | null;
}

/**
 * The claim's credit, inside the caller's transaction: its row, its grant in the credits ledger (kind claim, or
 * service for a service credit) with expiry from the claim's pinned pack, its reservations marked remedied and its
 * line in the claim's history. A retry finds the rows and adds nothing.
 */
export async function writeClaimCredit(
  tx: Tx,
  { claim, policy }: { claim: ClaimRecord; policy: LoadedPolicy },
  decision: Decision,
): Promise<CreditIssued> {
  const { amount, remedy } = decision;
  const kind = remedy === 'service_credit' ? 'service' : 'claim';
  // The account lock orders this after any concurrent issue for the same claim, any reservation and any termination.
  await lockAccountForRemedies(tx, claim.accountId);
  const issuedAt = new Date();
  const rule = expiryRuleFor(policy.pack, kind);
  const expiresAt = rule && creditExpiresAt(rule, issuedAt, policy.pack.calendar.timeZone);
  const row = await insertClaimCredit(tx, {
    claimId: claim.claimId,
    amountMinor: amount.amountMinor,
    currency: amount.currency,
    kind,
    idempotencyKey: creditIdempotencyKey(claim.claimId),
    expiresAt,
    issuedAt,
  });
  await markHoldsRemedied(tx, claim.claimId, remedy === 'service_credit' ? 'service_credit' : 'credit');
  const issued = { amountMinor: row.amountMinor, currency: row.currency };
  await grantCredits(tx, {
    accountId: claim.accountId,
    kind: row.kind,
    amount: issued,
    source: `claim:${claim.claimId}`,
    grantedAt: row.createdAt,
    policy,
    actor: 'system:claim-workflow',
    why: `${row.kind} credit for claim ${claim.claimId}`,
  });
  // The money movement and its line in the claim's history commit together.
  await appendClaimEvent(tx, {
    claimId: claim.claimId,
    eventKey: 'credit_issued',
    type: 'credit_issued',
    actor: { type: 'system', id: 'remedy' },
    why: `${row.kind} credit of ${formatMoney(issued)} granted${expiresAt ? `, expiring ${expiresAt.toISOString()}` : ', never expiring'}`,
    data: { creditId: row.id, amount: issued, expiresAt },
  });
  return { creditId: row.id, ...issued };
}

/**
 * Money steps. Each is keyed by the claim id with a UNIQUE constraint, so however often an activity
 * is retried or a worker crashes, a claim gets at most one credit and one payout; the claim's reservations
 * in the remedy ledger become remedied in the same transaction that writes the money.
 */
export function createRemedyActivities({ db, payments, policies }: ActivityDeps) {
  return {
    /**
     * Records the claim's credit and, in the same transaction, its grant in the credits ledger
     * (kind claim, or service for a service credit) with expiry from the claim's pinned pack.
     * Retried runs find both and add nothing.
     */
    async issueCredit(input: { claimId: string; decision: Decision }): Promise<CreditIssued> {
      const pinned = await loadPinnedClaim({ db, policies }, input.claimId);
      return withTransaction(db, (tx) => writeClaimCredit(tx, pinned, input.decision));
    },

    /** Records the payout first, then asks the processor with the same idempotency key, so a crash in between is safe. */
    async requestPayout(input: { claimId: string; decision: Decision }): Promise<PayoutRecorded> {
      const { amount } = input.decision;
      const idempotencyKey = payoutIdempotencyKey(input.claimId);
      const { claim } = await loadPinnedClaim({ db, policies }, input.claimId);
      const payout = await withTransaction(db, async (tx) => {
        await lockAccountForRemedies(tx, claim.accountId);
        const row = await insertClaimPayout(tx, {
          claimId: input.claimId,
          amountMinor: amount.amountMinor,
          currency: amount.currency,
          idempotencyKey,
        });
        await markHoldsRemedied(tx, input.claimId, 'refund');
        return row;
      });
      if (payout.processorReference) return { payoutId: payout.id, processorReference: payout.processorReference };
      const receipt = await payments.requestRefund({
        idempotencyKey,
        paymentReference: payout.paymentReference,
        amount,
      });
      if (receipt.processorReference) await setProcessorReference(db, payout.id, receipt.processorReference);
      return { payoutId: payout.id, processorReference: receipt.processorReference };
    },

    /**
     * Confirms the payout; confirming again with the same processor reference is the same confirmation,
     * a different reference is refused as a conflict.
     */
    async confirmPayout(input: {
      claimId: string;
      processorReference: string;
      confirmedBy: string;
    }): Promise<PayoutRow> {
      const payout = await confirmClaimPayout(db, input.claimId, input.processorReference, input.confirmedBy);
      if (!payout)
        throw ApplicationFailure.create({
          type: REFUSALS.wrongState,
          message: `claim ${input.claimId} has no payout`,
          nonRetryable: true,
        });
      if (payout.confirmedReference !== input.processorReference) {
        throw ApplicationFailure.create({
          type: REFUSALS.conflicting,
          message: `the payout of claim ${input.claimId} was confirmed with processor reference ${payout.confirmedReference}, not ${input.processorReference}`,
          nonRetryable: true,
        });
      }
      return payout;
    },
  };
}
