import { ApplicationFailure } from '@temporalio/activity';
import { FINAL_STATUSES, type Actor } from '../common/claim';
import type { ChargebackState } from '../common/chargeback';
import { withTransaction } from '../db';
import { getAccountView } from '../db/account-status';
import {
  evidenceAccount,
  evidenceCharge,
  evidenceClaims,
  evidenceMails,
  evidenceRemedies,
  evidenceUsage,
} from '../db/chargeback-evidence';
import { loadProcessorEvent, markEventApplied } from '../db/chargeback-inbox';
import {
  appendChargebackEvent,
  applyEventToCase,
  getChargeback,
  matchDisputedCharge,
  openClaimsOnCharge,
  recordDisputeMovement,
  saveChargebackDeadlines,
  saveEvidence,
  settleChargebackDeadlines,
  transitionChargeback,
  type ChargebackRecord,
} from '../db/chargebacks';
import {
  accountDecisionDeadline,
  evidenceDeadlines,
  outcomeOf,
  stanceOf,
  toStripeEvidence,
  type ChargebackDeadline,
  type ChargebackStance,
  type ChargebackStatus,
  type DisputeFacts,
  type DisputeOutcome,
  type EvidenceClause,
  type EvidencePack,
} from '../domain/chargebacks';
import type { PolicyPack } from '../domain/policy/schema';
import { defaultChargebackAdapters } from './chargeback-adapters';
import { createChargebackActionActivities } from './chargeback-actions';
import { createChargebackNoticeActivities } from './chargeback-notices';
import type { ActivityDeps } from './deps';

/** The case as the workflow needs it after an event. */
export interface CaseSnapshot {
  status: ChargebackStatus;
  processorStatus: string;
  outcome: DisputeOutcome | null;
  dueBy: string | null;
  unmatched: boolean;
  created: boolean;
  superseded: boolean;
}

export interface StanceView {
  unmatched: boolean;
  stance: ChargebackStance | null;
  accountStatus: ChargebackState['accountStatus'];
}

const PROCESSOR_ACTOR = (processor: string) => ({ type: 'processor' as const, id: processor });

function snapshotOf(record: ChargebackRecord, created: boolean, superseded: boolean): CaseSnapshot {
  return {
    status: record.status,
    processorStatus: record.processorStatus,
    outcome: outcomeOf(record.processorStatus),
    dueBy: record.dueBy,
    unmatched: record.unmatched,
    created,
    superseded,
  };
}

/** The policy clauses a dispute rests on, for the evidence pack and the refund-policy disclosure. */
function applicableClauses(pack: PolicyPack): EvidenceClause[] {
  const cite = (topic: string, c: { clause: string; quote: string; assumption?: string }): EvidenceClause => ({
    topic,
    clause: c.clause,
    quote: c.quote,
    ...(c.assumption ? { assumption: c.assumption } : {}),
  });
  return [
    cite('refund window', pack.claimWindow),
    cite('remedies', pack.remedies),
    cite('purchased credits', pack.creditExpiry.purchased),
    cite('suspension on dispute', pack.chargebacks.suspension),
    cite('disputed credits', pack.chargebacks.disputedCredits),
  ];
}

export function createChargebackActivities(deps: ActivityDeps) {
  const { db, policies } = deps;
  const adapters = deps.chargebacks ?? defaultChargebackAdapters(db);

  async function requireCase(chargebackId: string): Promise<ChargebackRecord> {
    const record = await getChargeback(db, chargebackId);
    if (!record) throw ApplicationFailure.nonRetryable(`no chargeback ${chargebackId}`, 'ChargebackUnknown');
    return record;
  }

  async function recordMovements(facts: DisputeFacts, chargebackId: string): Promise<void> {
    for (const bt of facts.balanceTransactions) {
      const at = facts.occurredAt;
      const funds = facts.kind === 'funds_reinstated' ? 'funds_reinstated' : 'funds_withdrawn';
      if (bt.amountMinor !== 0) {
        await recordDisputeMovement(db, {
          chargebackId,
          sourceKey: `${bt.id}:funds`,
          kind: funds,
          amount: { amountMinor: bt.amountMinor, currency: bt.currency },
          at,
          eventId: facts.eventId,
        });
      }
      if (bt.feeMinor !== 0) {
        const kind = bt.feeMinor > 0 ? 'dispute_fee' : 'fee_reinstated';
        await recordDisputeMovement(db, {
          chargebackId,
          sourceKey: `${bt.id}:fee`,
          kind,
          amount: { amountMinor: -bt.feeMinor, currency: bt.currency },
          at,
          eventId: facts.eventId,
        });
      }
    }
  }

  return {
    ...createChargebackActionActivities(deps),
    ...createChargebackNoticeActivities(deps, adapters),

    /**
     * Applies one stored processor event to its case: creates the case (matched to the ledger charge
     * through its payment reference, or flagged unmatched), or moves it to the event's snapshot when
     * the event is the newest by the processor's timestamp. Money movements are recorded per balance transaction.
     */
    async applyDisputeEvent(input: {
      chargebackId: string;
      processor: string;
      eventId: string;
    }): Promise<CaseSnapshot> {
      const facts = await loadProcessorEvent(db, input.processor, input.eventId);
      if (!facts)
        throw ApplicationFailure.nonRetryable(
          `no stored event ${input.processor}/${input.eventId}`,
          'ProcessorEventUnknown',
        );
      const existing = await getChargeback(db, input.chargebackId);
      let match: Parameters<typeof applyEventToCase>[3];
      if (!existing) {
        const charge = await matchDisputedCharge(db, [facts.chargeRef, facts.paymentIntentRef]);
        const policy = charge && policies.current(charge.policyId);
        if (charge && policy) match = { ...charge, policyVersion: policy.version };
      }
      const applied = await withTransaction(db, async (tx) => {
        const result = await applyEventToCase(tx, input.chargebackId, facts, match);
        if (result.created) {
          await appendChargebackEvent(tx, {
            chargebackId: input.chargebackId,
            eventKey: 'opened',
            type: result.record.unmatched ? 'opened_unmatched' : 'opened',
            actor: PROCESSOR_ACTOR(facts.processor),
            to: 'open',
            why: result.record.unmatched
              ? `no ledger charge has payment reference ${[facts.chargeRef, facts.paymentIntentRef].filter(Boolean).join(' or ')}; a person must match it`
              : `dispute ${facts.disputeId} (${facts.reason}) on charge ${result.record.transactionId} of account ${result.record.accountId}`,
            data: { disputeId: facts.disputeId, amount: facts.amount, reason: facts.reason },
          });
        }
        await appendChargebackEvent(tx, {
          chargebackId: input.chargebackId,
          eventKey: `processor:${facts.processor}:${facts.eventId}`,
          type: `processor_${facts.kind}`,
          actor: PROCESSOR_ACTOR(facts.processor),
          why: result.superseded
            ? `processor status ${facts.processorStatus}${facts.dueBy ? `, evidence due by ${facts.dueBy}` : ''}`
            : `older than the snapshot the case holds (${facts.occurredAt}); kept in the log, state unchanged`,
          data: {
            eventId: facts.eventId,
            occurredAt: facts.occurredAt,
            processorStatus: facts.processorStatus,
            dueBy: facts.dueBy,
            superseded: result.superseded,
          },
        });
        return result;
      });
      await recordMovements(facts, input.chargebackId);
      await markEventApplied(db, input.processor, input.eventId);
      return snapshotOf(applied.record, applied.created, applied.superseded);
    },

    /** The pack's stance for this case, and the account's status now. */
    async loadChargebackStance(input: { chargebackId: string }): Promise<StanceView> {
      const record = await requireCase(input.chargebackId);
      if (record.unmatched || !record.policyId || !record.policyVersion || !record.accountId) {
        return { unmatched: true, stance: null, accountStatus: null };
      }
      const policy = await policies.pinned(record.policyId, record.policyVersion);
      const account = await getAccountView(db, record.accountId);
      return { unmatched: false, stance: stanceOf(policy.pack), accountStatus: account?.status ?? null };
    },

    /** Builds the evidence pack from the ledger and stores it with the case. Returns the mapped Stripe fields' names. */
    async buildEvidencePack(input: { chargebackId: string }): Promise<string[]> {
      const record = await requireCase(input.chargebackId);
      const policy =
        record.policyId && record.policyVersion ? await policies.pinned(record.policyId, record.policyVersion) : null;
      const charge = record.transactionId ? await evidenceCharge(db, record.transactionId) : null;
      const account =
        record.accountId && policy
          ? await evidenceAccount(db, record.accountId, {
              id: policy.id,
              version: policy.version,
              title: policy.pack.title,
            })
          : null;
      const pack: EvidencePack = {
        chargebackId: record.id,
        builtAt: new Date().toISOString(),
        charge,
        account,
        usage:
          record.accountId && charge
            ? await evidenceUsage(db, record.accountId, charge.createdAt, charge.amount.currency)
            : null,
        claims: record.accountId ? await evidenceClaims(db, record.accountId) : [],
        remediesOnCharge: record.transactionId ? await evidenceRemedies(db, record.transactionId) : [],
        mails: record.accountId ? await evidenceMails(db, record.accountId) : [],
        clauses: policy ? applicableClauses(policy.pack) : [],
      };
      await saveEvidence(db, record.id, pack);
      return Object.keys(toStripeEvidence(pack));
    },

    /** Evidence deadlines from the processor's due_by and the pack's lead times; stored, replacing earlier ones. */
    async planEvidenceDeadlines(input: { chargebackId: string; dueBy: string }): Promise<ChargebackDeadline[]> {
      const record = await requireCase(input.chargebackId);
      const pack =
        record.policyId && record.policyVersion
          ? (await policies.pinned(record.policyId, record.policyVersion)).pack
          : fallbackPack();
      const deadlines = evidenceDeadlines(input.dueBy, pack);
      await saveChargebackDeadlines(db, record.id, deadlines);
      return deadlines;
    },

    /** After a lost dispute, the deadline by which a person decides the account's fate. */
    async planAccountDecision(input: { chargebackId: string; from: string }): Promise<ChargebackDeadline> {
      const record = await requireCase(input.chargebackId);
      const pack =
        record.policyId && record.policyVersion
          ? (await policies.pinned(record.policyId, record.policyVersion)).pack
          : fallbackPack();
      const deadline = accountDecisionDeadline(input.from, pack);
      await saveChargebackDeadlines(db, record.id, [deadline]);
      return deadline;
    },

    /** Open refund claims on the disputed charge, to be held while the dispute is open. */
    async claimsOnDisputedCharge(input: { chargebackId: string }): Promise<string[]> {
      const record = await requireCase(input.chargebackId);
      return record.transactionId ? openClaimsOnCharge(db, record.transactionId, FINAL_STATUSES) : [];
    },

    async settleChargebackDeadlines(input: {
      chargebackId: string;
      kinds: string[];
      state: 'met' | 'fired' | 'cancelled';
    }): Promise<void> {
      await settleChargebackDeadlines(db, input.chargebackId, input.kinds, input.state);
    },

    /** Moves the case status (if `to`) and appends its event in one transaction. */
    async recordChargebackStep(input: {
      chargebackId: string;
      eventKey: string;
      type: string;
      to: ChargebackStatus | null;
      actor: Actor;
      why: string;
      clause?: string | null;
      data?: Record<string, unknown>;
    }): Promise<ChargebackStatus> {
      return withTransaction(db, (tx) => transitionChargeback(tx, input));
    },
  };

  /** An unmatched case has no pack; the strictest lead times of the packs in force apply. */
  function fallbackPack(): PolicyPack {
    const packs = policies.list().map((p) => p.pack);
    return packs.reduce((a, b) =>
      b.chargebacks.evidenceDeadline.warnHoursBefore > a.chargebacks.evidenceDeadline.warnHoursBefore ? b : a,
    );
  }
}

export type ChargebackActivities = ReturnType<typeof createChargebackActivities>;
