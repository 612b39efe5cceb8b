import type { Decision } from '../common/claim';
import { creditIdempotencyKey, payoutIdempotencyKey } from '../common/ids';
import { formatMoney, minorFromDb } from '../common/money';
import { withTransaction } from '../db';
import { grantCredits } from '../db/credits';
import { appendClaimEvent } from '../db/events';
import { creditExpiresAt, expiryRuleFor } from '../domain/credits';
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
 * Money steps. Each is keyed by the claim id with a UNIQUE constraint, so however often an activity
 * is retried or a worker crashes, a claim gets at most one credit and one payout.
 */
export function createRemedyActivities({ db, payments, policies }: ActivityDeps) {
  return {
    /**
     * Records the claim's credit and, in the same transaction, its grant in the credits ledger
     * (kind claim, or service for a service credit) with expiry from the claim's pinned pack.
     * Retried runs find both and add nothing.
     */
    async issueCredit(input: { claimId: string; decision: Decision }): Promise<CreditIssued> {
      const { amount, remedy } = input.decision;
      const kind = remedy === 'service_credit' ? 'service' : 'claim';
      const { claim, policy } = await loadPinnedClaim({ db, policies }, input.claimId);
      return withTransaction(db, async (tx) => {
        // The account lock orders this after any concurrent issue for the same claim and any termination.
        await tx.query('SELECT 1 FROM accounts WHERE id = $1 FOR UPDATE', [claim.accountId]);
        const issuedAt = new Date();
        const rule = expiryRuleFor(policy.pack, kind);
        const expiresAt = rule && creditExpiresAt(rule, issuedAt, policy.pack.calendar.timeZone);
        await tx.query(
          `INSERT INTO credits_issued (claim_id, account_id, amount_minor, currency, kind, idempotency_key, expires_at, created_at)
           SELECT id, account_id, $2, $3, $4, $5, $6, $7 FROM claims WHERE id = $1
           ON CONFLICT (claim_id) DO NOTHING`,
          [input.claimId, amount.amountMinor, amount.currency, kind, creditIdempotencyKey(input.claimId), expiresAt, issuedAt],
        );
        const { rows } = await tx.query<{ id: string; amount_minor: string; currency: string; kind: 'claim' | 'service'; created_at: Date }>(
          'SELECT id, amount_minor, currency, kind, created_at FROM credits_issued WHERE claim_id = $1',
          [input.claimId],
        );
        const row = rows[0]!;
        const issued = { amountMinor: minorFromDb(row.amount_minor), currency: row.currency };
        await grantCredits(tx, {
          accountId: claim.accountId, kind: row.kind, amount: issued, source: `claim:${input.claimId}`,
          grantedAt: row.created_at, policy, actor: 'system:claim-workflow',
          why: `${row.kind} credit for claim ${input.claimId}`,
        });
        // The money movement and its line in the claim's history commit together.
        await appendClaimEvent(tx, {
          claimId: input.claimId,
          eventKey: 'credit_issued',
          type: 'credit_issued',
          actor: { type: 'system', id: 'remedy' },
          why: `${row.kind} credit of ${formatMoney(issued)} granted${expiresAt ? `, expiring ${expiresAt.toISOString()}` : ', never expiring'}`,
          data: { creditId: String(row.id), amount: issued, expiresAt },
        });
        return { creditId: String(row.id), ...issued };
      });
    },

    /** Records the payout first, then asks the processor with the same idempotency key, so a crash in between is safe. */
    async requestPayout(input: { claimId: string; decision: Decision }): Promise<PayoutRecorded> {
      const { amount } = input.decision;
      const idempotencyKey = payoutIdempotencyKey(input.claimId);
      await db.query(
        `INSERT INTO payouts (claim_id, account_id, amount_minor, currency, payment_reference, idempotency_key)
         SELECT c.id, c.account_id, $2, $3,
                (SELECT ch.payment_reference FROM charges ch
                  WHERE ch.account_id = c.account_id
                    AND (ch.transaction_id = c.transaction_id OR ch.invoice_number = c.invoice_number)
                  LIMIT 1),
                $4
           FROM claims c WHERE c.id = $1
         ON CONFLICT (claim_id) DO NOTHING`,
        [input.claimId, amount.amountMinor, amount.currency, idempotencyKey],
      );
      const { rows } = await db.query<{ id: string; payment_reference: string | null; processor_ref: string | null }>(
        'SELECT id, payment_reference, processor_ref FROM payouts WHERE claim_id = $1',
        [input.claimId],
      );
      const payout = rows[0]!;
      if (payout.processor_ref) return { payoutId: String(payout.id), processorReference: payout.processor_ref };
      const receipt = await payments.requestRefund({ idempotencyKey, paymentReference: payout.payment_reference, amount });
      if (receipt.processorReference) {
        await db.query('UPDATE payouts SET processor_ref = $2 WHERE id = $1', [payout.id, receipt.processorReference]);
      }
      return { payoutId: String(payout.id), processorReference: receipt.processorReference };
    },

    async confirmPayout(input: { claimId: string; processorReference: string; confirmedBy: string }): Promise<void> {
      await db.query(
        `UPDATE payouts SET status = 'confirmed', processor_ref = coalesce(processor_ref, $2), confirmed_by = $3, confirmed_at = now()
          WHERE claim_id = $1 AND status = 'pending'`,
        [input.claimId, input.processorReference, input.confirmedBy],
      );
    },
  };
}
