import { ApplicationFailure } from '@temporalio/activity';
import { disputeIdempotencyKey, type DisputeReceipt } from '../adapters/dispute-gateway';
import type { Actor } from '../common/claim';
import type { Money } from '../common/money';
import { withTransaction } from '../db';
import { changeAccountStatus, type AccountStatus } from '../db/account-status';
import {
  appendChargebackEvent,
  chargebackEventByKey,
  getChargeback,
  saveEvidenceSubmission,
  type ChargebackRecord,
} from '../db/chargebacks';
import { placeCreditHold, settleCreditHold } from '../db/credit-holds';
import { forfeitCredits } from '../db/credits';
import { applyEvidenceEdits, stanceOf, toStripeEvidence, type StripeDisputeEvidence } from '../domain/chargebacks';
import { defaultChargebackAdapters } from './chargeback-adapters';
import type { ActivityDeps } from './deps';

export interface AccountStatusInput {
  chargebackId: string;
  eventKey: string;
  to: AccountStatus;
  actor: Actor;
  why: string;
  clause: string | null;
  /** Reinstate only if this chargeback is what suspended the account. */
  onlyIfSuspendedByThisCase?: boolean;
}

export interface AccountStatusResult {
  from: AccountStatus;
  status: AccountStatus;
  changed: boolean;
  forfeited: { amount: Money; grantId: string }[];
}

/** Account actions, credit holds and the processor: the chargeback steps that change money or access. */
export function createChargebackActionActivities(deps: ActivityDeps) {
  const { db, policies } = deps;
  const adapters = deps.chargebacks ?? defaultChargebackAdapters(db);

  async function matchedCase(
    chargebackId: string,
  ): Promise<ChargebackRecord & { accountId: string; policyId: string; policyVersion: string }> {
    const record = await getChargeback(db, chargebackId);
    if (!record?.accountId || !record.policyId || !record.policyVersion) {
      throw ApplicationFailure.nonRetryable(
        `chargeback ${chargebackId} is not matched to an account`,
        'ChargebackUnmatched',
      );
    }
    return record as ChargebackRecord & { accountId: string; policyId: string; policyVersion: string };
  }

  return {
    /** Suspends, reinstates or terminates the disputed account, with the reason and clause; termination forfeits credits where the pack says so. */
    async changeDisputedAccountStatus(input: AccountStatusInput): Promise<AccountStatusResult> {
      const record = await matchedCase(input.chargebackId);
      const policy = await policies.pinned(record.policyId, record.policyVersion);
      return withTransaction(db, async (tx) => {
        // A retry after a crash that followed the commit answers as the first run did: otherwise "already
        // suspended" reads as "not changed by us", and the suspension mail and webhook are never sent (npm run chaos).
        const earlier = await chargebackEventByKey(tx, record.id, input.eventKey);
        if (earlier) {
          const d = earlier.data as { from: AccountStatusResult['from']; to: AccountStatusResult['status'] };
          const forfeited = (earlier.data.forfeited ?? []) as AccountStatusResult['forfeited'];
          return { from: d.from, status: d.to, changed: earlier.type === `account_${input.to}`, forfeited };
        }
        const change = await changeAccountStatus(tx, {
          accountId: record.accountId,
          to: input.to,
          reason: input.why,
          clause: input.clause,
          chargebackId: record.id,
          onlyIfSuspendedBy: input.onlyIfSuspendedByThisCase ? record.id : undefined,
        });
        let forfeited: AccountStatusResult['forfeited'] = [];
        if (change.changed && input.to === 'terminated') {
          const result = await forfeitCredits(tx, record.accountId, policy.pack, {
            actor: input.actor.id,
            policyId: policy.id,
          });
          forfeited = result.grants.map((g) => ({ grantId: g.grantId, amount: g.amount }));
        }
        const status = change.changed ? input.to : change.from;
        await appendChargebackEvent(tx, {
          chargebackId: record.id,
          eventKey: input.eventKey,
          type: change.changed ? `account_${input.to}` : `account_${input.to}_skipped`,
          actor: input.actor,
          why: change.changed ? input.why : `account stays ${change.from}: ${input.why}`,
          clause: input.clause,
          data: { accountId: record.accountId, from: change.from, to: status, forfeited },
        });
        return { from: change.from, status, changed: change.changed, forfeited };
      });
    },

    /** Holds credits equal to the disputed recharge, where the pack says so; capped at what is still spendable. */
    async holdDisputedCredits(input: { chargebackId: string; eventKey: string }): Promise<Money | null> {
      const record = await matchedCase(input.chargebackId);
      const stance = stanceOf((await policies.pinned(record.policyId, record.policyVersion)).pack);
      if (!stance.holdCredits) return null;
      return withTransaction(db, async (tx) => {
        const { hold } = await placeCreditHold(tx, {
          chargebackId: record.id,
          accountId: record.accountId,
          amount: record.amount,
          clause: stance.creditHold.clause,
        });
        await appendChargebackEvent(tx, {
          chargebackId: record.id,
          eventKey: input.eventKey,
          type: 'credits_held',
          actor: { type: 'system', id: 'chargeback-workflow' },
          why: `${hold.amount.amountMinor} ${hold.amount.currency} of credits held against the disputed ${record.amount.amountMinor} ${record.amount.currency}`,
          clause: stance.creditHold.clause,
          data: { hold },
        });
        return hold.amount;
      });
    },

    /** Ends the hold: released when the dispute is won, deducted when it is lost or accepted. */
    async settleDisputedCredits(input: {
      chargebackId: string;
      eventKey: string;
      as: 'released' | 'deducted';
      actor: Actor;
      why: string;
    }): Promise<Money | null> {
      return withTransaction(db, async (tx) => {
        const hold = await settleCreditHold(tx, {
          chargebackId: input.chargebackId,
          as: input.as,
          actor: input.actor.id,
          why: input.why,
        });
        if (!hold) return null;
        await appendChargebackEvent(tx, {
          chargebackId: input.chargebackId,
          eventKey: input.eventKey,
          type: `credits_${hold.state}`,
          actor: input.actor,
          why: input.why,
          clause: hold.clause,
          data: { hold },
        });
        return hold.amount;
      });
    },

    /** Sends the (edited) evidence through the dispute gateway; the manual gateway leaves it to finance. */
    async submitDisputeEvidence(input: {
      chargebackId: string;
      edits?: StripeDisputeEvidence;
      actor: Actor;
    }): Promise<DisputeReceipt> {
      const record = await getChargeback(db, input.chargebackId);
      if (!record) throw ApplicationFailure.nonRetryable(`no chargeback ${input.chargebackId}`, 'ChargebackUnknown');
      const mapped = record.evidence ? toStripeEvidence(record.evidence) : {};
      const evidence = applyEvidenceEdits(mapped, input.edits);
      const receipt = await adapters.disputes.submitEvidence({
        processor: record.processor,
        disputeId: record.disputeId,
        evidence,
        idempotencyKey: disputeIdempotencyKey(record.processor, record.disputeId, 'evidence'),
      });
      await saveEvidenceSubmission(db, record.id, {
        evidence,
        receipt,
        by: input.actor.id,
        edited: Object.keys(input.edits ?? {}),
      });
      return receipt;
    },

    /** Tells the processor the dispute is not contested (Stripe: disputes.close). */
    async acceptAtProcessor(input: { chargebackId: string }): Promise<DisputeReceipt> {
      const record = await getChargeback(db, input.chargebackId);
      if (!record) throw ApplicationFailure.nonRetryable(`no chargeback ${input.chargebackId}`, 'ChargebackUnknown');
      return adapters.disputes.acceptDispute({
        processor: record.processor,
        disputeId: record.disputeId,
        idempotencyKey: disputeIdempotencyKey(record.processor, record.disputeId, 'accept'),
      });
    },
  };
}
