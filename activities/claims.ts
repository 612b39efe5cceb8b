import { ApplicationFailure } from '@temporalio/activity';
import type { Actor, Assessment, ClaimStatus, Decision } from '../common/claim';
import { REFUSALS, type CustomerReplyInput, type StaffDecisionInput } from '../common/messages';
import { withTransaction } from '../db';
import { getClaim, saveDecision } from '../db/claims';
import { appendClaimEvent } from '../db/events';
import { fetchLedgerFacts } from '../db/ledger';
import { assessClaim, PolicyViolation, staffDecision } from '../domain/policy';
import type { ActivityDeps } from './deps';
import { loadPinnedClaim } from './pinned-claim';

export interface TransitionInput {
  claimId: string;
  eventKey: string;
  type: string;
  to: ClaimStatus | null;
  actor: Actor;
  why: string;
  data?: Record<string, unknown>;
}

export function createClaimActivities(deps: ActivityDeps) {
  const { db } = deps;
  const pinned = (claimId: string) => loadPinnedClaim(deps, claimId);

  return {
    /** Moves the case projection and appends the event in one transaction; a retry records nothing twice. */
    async recordTransition(t: TransitionInput): Promise<void> {
      await withTransaction(db, async (tx) => {
        const { rows } = await tx.query<{ status: ClaimStatus }>('SELECT status FROM claims WHERE id = $1 FOR UPDATE', [t.claimId]);
        const from = rows[0]?.status;
        if (!from) throw ApplicationFailure.create({ type: REFUSALS.unknownClaim, message: `claim ${t.claimId} does not exist`, nonRetryable: true });
        const appended = await appendClaimEvent(tx, { ...t, from, to: t.to });
        if (appended && t.to && t.to !== from) {
          await tx.query('UPDATE claims SET status = $2, updated_at = now() WHERE id = $1', [t.claimId, t.to]);
        }
      });
    },

    /** Window and evidence check against the usage ledger (one round trip), then the policy's verdict. */
    async assessClaim(input: { claimId: string }): Promise<Assessment> {
      const { claim, policy } = await pinned(input.claimId);
      const facts = await fetchLedgerFacts(db, claim);
      const assessment = assessClaim(policy, claim, facts);
      const findings = assessment.kind === 'needs_info' ? [] : (assessment.kind === 'decided' ? assessment.decision : assessment.proposal).findings;
      await db.query('UPDATE claims SET evidence = $2, updated_at = now() WHERE id = $1', [input.claimId, JSON.stringify(findings)]);
      return assessment;
    },

    /** Checks a person's decision against the pinned policy; a violation is a business refusal, not a retry. */
    async validateStaffDecision(input: { claimId: string; decision: StaffDecisionInput; proposal: Decision | null }): Promise<Decision> {
      const { claim, policy } = await pinned(input.claimId);
      try {
        return staffDecision(policy, claim, input.decision, input.proposal ?? undefined);
      } catch (err: unknown) {
        if (err instanceof PolicyViolation) {
          throw ApplicationFailure.create({ type: REFUSALS.policyViolation, message: err.message, nonRetryable: true, details: [err.code] });
        }
        throw err;
      }
    },

    async recordDecision(input: { claimId: string; eventKey: string; decision: Decision; to: ClaimStatus }): Promise<void> {
      const { decision } = input;
      await withTransaction(db, async (tx) => {
        const { rows } = await tx.query<{ status: ClaimStatus }>('SELECT status FROM claims WHERE id = $1 FOR UPDATE', [input.claimId]);
        await saveDecision(tx, input.claimId, decision);
        const appended = await appendClaimEvent(tx, {
          claimId: input.claimId,
          eventKey: input.eventKey,
          type: 'decided',
          actor: decision.decidedBy,
          from: rows[0]?.status ?? null,
          to: input.to,
          why: decision.reasons.map((r) => `${r.code} (${r.clause})`).join('; '),
          data: { outcome: decision.outcome, amount: decision.amount, remedy: decision.remedy, note: decision.note ?? null },
        });
        if (appended) await tx.query('UPDATE claims SET status = $2, updated_at = now() WHERE id = $1', [input.claimId, input.to]);
      });
    },

    /** Merges what the customer sent into the claim; the original submission stays in the event log. */
    async applyCustomerReply(input: { claimId: string; eventKey: string; reply: CustomerReplyInput }): Promise<void> {
      const { reply } = input;
      await withTransaction(db, async (tx) => {
        await tx.query(
          `UPDATE claims SET
             request_ids = CASE WHEN $2::text[] IS NULL THEN request_ids
                                ELSE ARRAY(SELECT DISTINCT unnest(request_ids || $2::text[])) END,
             transaction_id = coalesce($3, transaction_id),
             invoice_number = coalesce($4, invoice_number),
             explanation = coalesce($5, explanation),
             updated_at = now()
           WHERE id = $1`,
          [input.claimId, reply.requestIds ?? null, reply.transactionId ?? null, reply.invoiceNumber ?? null, reply.explanation ?? null],
        );
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
