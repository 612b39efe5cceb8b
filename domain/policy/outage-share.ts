import type { ClaimFacts, DecisionReason } from '../../common/claim';
import type { LedgerCharge, LedgerFacts, LedgerOutage } from '../../common/ledger';
import { money } from '../../common/money';
import { locateClaimedCharge } from './charges';
import { denialDraft, type Draft } from './draft';
import { epochMs } from './instant';
import type { LoadedPolicy } from './loaded';
import { clip, isEligibleOutage, outageInterval, totalLength, union, type Interval } from './outages';
import { proportionExact, proportionHalfUp } from './proportion';
import { minorUnits, reasonFrom } from './reasons';
import { chargeRemainder, describeTaken } from './remainder';
import type { PolicyPack, ReasonRule } from './schema';

type OutageRules = NonNullable<PolicyPack['outageShare']>;
const MINUTE_MS = 60_000;

/**
 * Refund proportional to downtime: the share of the charge's billing period [periodStart, periodEnd)
 * covered by unscheduled, non-force-majeure outages, overlaps merged, rounded half up.
 */
export function assessOutageShare(
  policy: LoadedPolicy,
  claim: ClaimFacts,
  facts: LedgerFacts,
  rule: ReasonRule,
): Draft {
  const { pack } = policy;
  const rules = outageRules(pack);
  const located = locateClaimedCharge(policy, claim, facts);
  if ('draft' in located) return located.draft;
  const { charge } = located;
  const currency = facts.account.currency;
  const period = billingPeriod(charge);
  if (!period) {
    const noPeriod = reasonFrom(rules.noBillingPeriod, { transactionId: charge.transactionId });
    return denialDraft(currency, [noPeriod], [noPeriod]);
  }

  // An outage still open is counted up to the claim's submission, the engine's only notion of "now".
  const now = epochMs(claim.submittedAt);
  const inPeriod = (o: LedgerOutage) => clip(outageInterval(o, now), period);
  const eligible = facts.outages.filter((o) => isEligibleOutage(o) && inPeriod(o));
  const excluded = facts.outages.filter((o) => !isEligibleOutage(o) && inPeriod(o));
  const downtime = totalLength(union(eligible.map((o) => inPeriod(o) as Interval)));
  const periodLength = period.end - period.start;

  const arithmetic = [
    `${charge.transactionId}: ${minorUnits(money(charge.amountMinor, charge.currency))} for ${charge.periodStart} to ${charge.periodEnd} = ${periodLength} ms`,
    ...eligible.map((o) => `outage ${o.id} (${o.cause}): ${lengthOf(inPeriod(o))} ms inside the period`),
    ...excluded.map(
      (o) => `outage ${o.id} (${o.cause}) excluded: ${o.scheduled ? 'scheduled maintenance' : 'force majeure'}`,
    ),
    `eligible downtime, overlaps merged: ${downtime} ms (${Math.floor(downtime / MINUTE_MS)} min)`,
  ];
  const exclusions = exclusionReasons(rules, excluded, charge.transactionId);

  if (downtime === 0 || downtime < rules.minDowntimeMinutes * MINUTE_MS) {
    const none = reasonFrom(rules.noEligibleDowntime, {
      transactionId: charge.transactionId,
      detail: `Eligible downtime was ${Math.floor(downtime / MINUTE_MS)} min; the threshold is ${rules.minDowntimeMinutes} min.`,
    });
    return {
      ...denialDraft(currency, [none, ...exclusions]),
      arithmetic: [...arithmetic, `total 0 ${currency} minor units`],
    };
  }

  const share = proportionHalfUp(charge.amountMinor, downtime, periodLength);
  // Another claim may already have paid back part of this charge; only what remains can go out.
  const rest = chargeRemainder(charge, facts);
  const amountMinor = Math.min(share, rest.remaining.amountMinor);
  const limited = amountMinor < share ? [`${describeTaken(rest)}: limited to ${minorUnits(rest.remaining)}`] : [];
  const amount = money(amountMinor, charge.currency);
  const refund = reasonFrom(rules.refund, {
    transactionId: charge.transactionId,
    ...(limited.length > 0 && { detail: `${describeTaken(rest)}; ${minorUnits(rest.remaining)} of it remains.` }),
  });
  return {
    outcome: amountMinor === 0 ? 'denied' : amountMinor === charge.amountMinor ? 'approved' : 'partially_approved',
    amount,
    remedy: rule.remedy ?? pack.remedies.default,
    reasons: [reasonFrom(rule, { transactionId: charge.transactionId }), refund, ...exclusions],
    arithmetic: [
      ...arithmetic,
      `${charge.amountMinor} × ${downtime} / ${periodLength} = ${proportionExact(charge.amountMinor, downtime, periodLength)}, rounded half up to ${share}`,
      ...limited,
      `total ${minorUnits(amount)}`,
    ],
    findings: [],
    chargeShares: amountMinor > 0 ? [{ transactionId: charge.transactionId, amount }] : [],
    review: [],
  };
}

function billingPeriod(charge: LedgerCharge): Interval | null {
  if (charge.periodStart === null || charge.periodEnd === null) return null;
  const period = { start: epochMs(charge.periodStart), end: epochMs(charge.periodEnd) };
  return period.end > period.start ? period : null;
}

function lengthOf(interval: Interval | null): number {
  return interval ? interval.end - interval.start : 0;
}

function exclusionReasons(rules: OutageRules, excluded: LedgerOutage[], transactionId: string): DecisionReason[] {
  const reasons: DecisionReason[] = [];
  const list = (outages: LedgerOutage[]) => `Excluded: ${outages.map((o) => o.id).join(', ')}.`;
  const scheduled = excluded.filter((o) => o.scheduled);
  const forceMajeure = excluded.filter((o) => !o.scheduled && o.forceMajeure);
  if (scheduled.length > 0)
    reasons.push(reasonFrom(rules.scheduledExcluded, { transactionId, detail: list(scheduled) }));
  if (forceMajeure.length > 0)
    reasons.push(reasonFrom(rules.forceMajeureExcluded, { transactionId, detail: list(forceMajeure) }));
  return reasons;
}

function outageRules(pack: PolicyPack): OutageRules {
  // The schema refuses outage_share handling without this block, so reaching here without it is a bug.
  if (!pack.outageShare) throw new Error(`policy ${pack.id} has no outage-share rules`);
  return pack.outageShare;
}
