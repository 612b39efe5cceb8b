import type { Assessment, ClaimFacts, DecisionReason } from '../../common/claim';
import type { LedgerFacts } from '../../common/ledger';
import { assessChargeReview } from './charge-review';
import { findClaimedCharge } from './charges';
import { assessRequests } from './assess-requests';
import { denialDraft, engineDecision, type Draft } from './draft';
import { assessDuplicateCharge } from './duplicates';
import { PolicyViolation } from './errors';
import type { LoadedPolicy } from './loaded';
import { missingItems } from './missing-items';
import { assessOutageShare } from './outage-share';
import { minorUnits, reasonFrom } from './reasons';
import type { ReasonRule } from './schema';

/**
 * The engine's conclusion on a claim, before any person. Steps:
 *  1. an outright-denied reason (e.g. dissatisfaction) is denied without asking for anything;
 *  2. missing required items → needs_info naming exactly those items;
 *  3. the reason's handling drafts a decision (requests, duplicate charge, charge review, outage share, review);
 *  4. gates: verdicts needing verification, a non-active account receiving money, a currency other than
 *     the account's, automatic decisions disabled or the amount above the limit → needs_review.
 */
export function assessClaim(policy: LoadedPolicy, claim: PinnedClaimFacts, facts: LedgerFacts): Assessment {
  assertFactsMatch(policy, claim, facts);
  // A pack stored before a reason existed has no rule for it: a person looks, as for `other`.
  const rule = policy.pack.reasons[claim.reason] ?? policy.pack.reasons.other;
  if (rule.handling !== 'deny') {
    const missing = missingItems(claim, rule.requires);
    if (missing.length > 0) {
      return { kind: 'needs_info', missing, why: missing.map((item) => reasonFrom(policy.pack.evidence[item])) };
    }
    const unknownCharge = rule.requires.includes('transaction_or_invoice')
      ? unknownChargeReference(claim, facts)
      : null;
    if (unknownCharge) {
      const message = `We found no charge ${unknownCharge} on your account.`;
      const why = [
        reasonFrom(policy.pack.evidence.transaction_or_invoice, { transactionId: unknownCharge, detail: message }),
      ];
      return { kind: 'needs_info', missing: ['transaction_or_invoice'], why, message };
    }
  }
  return settle(policy, facts, draftFor(policy, claim, facts, rule));
}

function draftFor(policy: LoadedPolicy, claim: ClaimFacts, facts: LedgerFacts, rule: ReasonRule): Draft {
  const currency = facts.account.currency;
  const covers = { requestIds: claim.requestIds, transactionId: claim.transactionId };
  switch (rule.handling) {
    case 'requests':
      return assessRequests(policy, claim, facts, rule);
    case 'duplicate_charge':
      return assessDuplicateCharge(policy, claim, facts, rule);
    case 'charge_review':
      return assessChargeReview(policy, claim, facts, rule);
    case 'outage_share':
      return assessOutageShare(policy, claim, facts, rule);
    case 'deny': {
      const draft = denialDraft(currency, [reasonFrom(rule, covers)]);
      return claim.reason === 'unused_credits'
        ? { ...draft, arithmetic: [balanceLine(claim, facts), ...draft.arithmetic] }
        : draft;
    }
    case 'review': {
      const reason = reasonFrom(rule, covers);
      const draft = denialDraft(currency, [reason], [reason]);
      return { ...draft, arithmetic: ['no automatic amount; a person decides', ...draft.arithmetic] };
    }
  }
}

function settle(policy: LoadedPolicy, facts: LedgerFacts, draft: Draft): Assessment {
  const { pack } = policy;
  const why: DecisionReason[] = [...draft.review];
  const paysOut = draft.outcome !== 'denied';
  const status = facts.account.status;
  // Money to a suspended (possible chargeback) or terminated account is never sent without a person.
  if (paysOut && status !== 'active') why.push(reasonFrom(pack.accountStatus[status]));
  if (paysOut && draft.amount.currency !== facts.account.currency.toUpperCase()) {
    why.push(
      reasonFrom(pack.staffReview, {
        detail: `The amount is in ${draft.amount.currency}, the account in ${facts.account.currency}.`,
      }),
    );
  }
  if (!pack.autoDecision.enabled) why.push(reasonFrom(pack.autoDecision));
  else if (draft.amount.amountMinor > pack.autoDecision.maxAmountMinor) {
    const detail = `${draft.amount.amountMinor} exceeds the automatic limit of ${pack.autoDecision.maxAmountMinor} minor units.`;
    why.push(reasonFrom(pack.autoDecision, { detail }));
  }
  const decision = engineDecision(policy, draft);
  return why.length > 0 ? { kind: 'needs_review', proposal: decision, why } : { kind: 'decided', decision };
}

/** The balance an unused-credits claim is about, as the credits ledger holds it. */
function balanceLine(claim: ClaimFacts, facts: LedgerFacts): string {
  const balance = facts.creditBalance ? minorUnits(facts.creditBalance) : 'unknown';
  const scope = claim.transactionId ? `credits bought with ${claim.transactionId}` : 'the whole balance';
  return `unused credit balance in the credits ledger: ${balance}; the claim concerns ${scope}`;
}

/** The reference the claim gave when no charge of the claimant's account carries it; null when it was found. */
function unknownChargeReference(claim: ClaimFacts, facts: LedgerFacts): string | null {
  const found = findClaimedCharge(claim, facts);
  if (found && found.accountId === claim.accountId) return null;
  return claim.transactionId ?? claim.invoiceNumber;
}

/** A claim as stored: it names the policy it was submitted under, which may no longer be the account's. */
export type PinnedClaimFacts = ClaimFacts & { policyId?: string };

/**
 * Facts for another account, or a policy other than the one the claim pinned, mean the caller wired things
 * wrongly; deciding on them would be unsafe. An account moved to another policy since the claim was submitted
 * is not such a case: the claim stays on the version it pinned (the account's policy applies to new claims).
 */
function assertFactsMatch(policy: LoadedPolicy, claim: PinnedClaimFacts, facts: LedgerFacts): void {
  if (facts.account.id !== claim.accountId) {
    throw new PolicyViolation(
      'facts_mismatch',
      `ledger facts are for account ${facts.account.id}, the claim for ${claim.accountId}`,
    );
  }
  const pinnedTo = claim.policyId ?? facts.account.policyId;
  if (pinnedTo !== policy.id) {
    throw new PolicyViolation('facts_mismatch', `the claim is under policy ${pinnedTo}, not ${policy.id}`);
  }
}
