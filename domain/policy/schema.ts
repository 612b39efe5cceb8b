import { z } from 'zod';
import { IANAZone } from 'luxon';
import { MailIntakeSchema } from '../email/mail-intake-schema';
import { CLAIM_ITEMS, CLAIM_REASONS, REMEDIES, REQUEST_VERDICTS } from '../../common/claim';
import { HolidayListSchema } from './holidays';

/** A policy pack: one published refund document turned into data the engine reads. */

const text = z.string().min(1);
const code = z.string().regex(/^[a-z][a-z0-9_]*$/, 'codes are snake_case');
const businessDays = z.number().int().positive();

/** Every rule points at the document: a clause reference and a word-for-word quote. */
const citation = {
  clause: text,
  quote: text,
  /** Present where the document is silent and the pack chose a default. */
  assumption: text.optional(),
};

/** A citation that can become a DecisionReason shown to the customer. */
const reasonCitation = { ...citation, code, message: text };
export const ReasonCitation = z.strictObject(reasonCitation);

/** Builds an object schema with exactly one entry per key, so a pack cannot forget a verdict or reason. */
function everyKey<K extends string, S extends z.ZodType>(keys: readonly K[], value: S) {
  return z.strictObject(Object.fromEntries(keys.map((k) => [k, value])) as Record<K, S>);
}

const RemedySchema = z.enum(REMEDIES);
const PayingRemedy = RemedySchema.exclude(['none']);

const Calendar = z.strictObject({
  timeZone: text.refine((zone) => IANAZone.isValidZone(zone), 'not an IANA time zone'),
  /** The holidays business days skip, observed days included, with the list's official source. */
  holidays: HolidayListSchema,
  ...citation,
});

const ClaimWindow = z.strictObject({
  days: z.number().int().positive(),
  /** Claim reasons the window is enforced for; the others have no deadline in the document. */
  appliesTo: z.array(z.enum(CLAIM_REASONS)),
  ...citation,
});

const Sla = z.strictObject({
  review: z.strictObject({ warnBusinessDays: businessDays, dueBusinessDays: businessDays, ...citation }),
  resolution: z.strictObject({ dueBusinessDays: businessDays, ...citation }),
  payout: z.strictObject({ dueBusinessDays: businessDays, ...citation }),
  customerReply: z.strictObject({ waitBusinessDays: businessDays, ...citation }),
});

const Remedies = z.strictObject({
  /** Remedies a decision may grant; `none` is implied for denials and never listed. */
  allowed: z.array(PayingRemedy).min(1),
  default: PayingRemedy,
  /** Remedies only a person may grant, and only with a recorded basis (e.g. a legal requirement). */
  restricted: z.array(z.strictObject({ remedy: PayingRemedy, ...reasonCitation })),
  ...citation,
});

const AutoDecision = z.strictObject({
  enabled: z.boolean(),
  /** Above this amount (account currency, minor units) a person decides. */
  maxAmountMinor: z.number().int().nonnegative(),
  ...reasonCitation,
});

export const HANDLINGS = ['requests', 'duplicate_charge', 'charge_review', 'outage_share', 'deny', 'review'] as const;
export type Handling = (typeof HANDLINGS)[number];

const ReasonRule = z.strictObject({
  handling: z.enum(HANDLINGS),
  /** Items that must be present before the engine decides this reason. */
  requires: z.array(z.enum(CLAIM_ITEMS)),
  /** Remedy for this reason; null means `remedies.default`. */
  remedy: PayingRemedy.nullable(),
  ...reasonCitation,
});

const VerdictRule = z.strictObject({
  disposition: z.enum(['refund', 'deny', 'review']),
  ...reasonCitation,
});

const Charges = z.strictObject({ notFound: ReasonCitation, otherAccount: ReasonCitation });

const Duplicates = z.strictObject({
  /** Same account, amount and payment reference: one payment recorded twice. */
  processorDoubleCharge: z.strictObject({ action: z.enum(['approve', 'review']), ...reasonCitation }),
  /** Same amount, different payment references: two purchases the customer made. */
  separatePurchases: z.strictObject({ action: z.enum(['deny', 'review']), ...reasonCitation }),
  noDuplicateFound: z.strictObject({ action: z.enum(['deny', 'review']), ...reasonCitation }),
});

const OutageShare = z.strictObject({
  /** Eligible downtime below this many minutes in the period gives nothing ("extended downtime"). */
  minDowntimeMinutes: z.number().int().nonnegative(),
  rounding: z.literal('half_up'),
  refund: ReasonCitation,
  scheduledExcluded: ReasonCitation,
  forceMajeureExcluded: ReasonCitation,
  noBillingPeriod: ReasonCitation,
  noEligibleDowntime: ReasonCitation,
});

const Expiry = z
  .strictObject({
    expires: z.boolean(),
    afterDays: z.number().int().positive().nullable(),
    afterMonths: z.number().int().positive().nullable(),
    ...citation,
  })
  .refine(
    (e) =>
      e.expires ? (e.afterDays === null) !== (e.afterMonths === null) : e.afterDays === null && e.afterMonths === null,
    'an expiring credit needs exactly one of afterDays/afterMonths; a non-expiring one neither',
  );

const CreditExpiry = z.strictObject({
  purchased: Expiry,
  promotional: Expiry.nullable(),
  /** Credits this desk issues as a remedy. */
  remedyCredit: Expiry,
  onTermination: z.strictObject({ forfeited: z.boolean(), ...citation }),
});

const hours = z.number().int().positive();

/** What a dispute does to the account, its credits and the evidence timers (read by domain/chargebacks). */
const Chargebacks = z.strictObject({
  /** `immediate`: the account is suspended when the dispute opens; `staff_decides`: a person is asked to. */
  suspension: z.strictObject({ onDispute: z.enum(['immediate', 'staff_decides']), ...citation }),
  /** Hold credits equal to the disputed recharge while the dispute is open; deducted if it is lost or accepted. */
  disputedCredits: z.strictObject({ hold: z.boolean(), ...citation }),
  /** Lead times before the processor's due_by (a calendar instant): warn the lead, then escalate. */
  evidenceDeadline: z.strictObject({ warnHoursBefore: hours, escalateHoursBefore: hours, ...citation }),
  /** After a lost dispute a person decides the account's fate within this many hours, or admin is alerted. */
  lostDispute: z.strictObject({ decideWithinHours: hours, ...citation }),
});

const OutOfScope = z.strictObject({ topic: text, clause: text, quote: text, reason: text });

export const PolicyPackSchema = z
  .strictObject({
    id: z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/),
    title: text,
    seed: z.string().regex(/^[0-9]{3}_[0-9a-f]+\.txt$/),
    lastUpdated: text,
    calendar: Calendar,
    claimWindow: ClaimWindow,
    sla: Sla,
    remedies: Remedies,
    autoDecision: AutoDecision,
    /** The clause that empowers a person to decide; cited by every staff decision. */
    staffReview: ReasonCitation,
    /** Why each claim item is asked for, cited in information requests. */
    evidence: everyKey(CLAIM_ITEMS, ReasonCitation),
    // unused_credits came later: packs stored before it lack it, and such claims fall back to `other`.
    reasons: everyKey(
      CLAIM_REASONS.filter((r) => r !== 'unused_credits'),
      ReasonRule,
    ).extend({ unused_credits: ReasonRule.optional() }),
    requests: everyKey(REQUEST_VERDICTS, VerdictRule),
    charges: Charges.nullable(),
    duplicates: Duplicates.nullable(),
    outageShare: OutageShare.nullable(),
    /** Cited when a non-active account would receive money; such claims go to a person. */
    accountStatus: z.strictObject({ suspended: ReasonCitation, terminated: ReasonCitation }),
    creditExpiry: CreditExpiry,
    chargebacks: Chargebacks,
    outOfScope: z.array(OutOfScope),
    /** Where customers mail claims, and how their mail is read; absent: the policy takes no mail. */
    mailIntake: MailIntakeSchema.optional(),
  })
  .superRefine(checkConsistency);

type PackShape = z.input<typeof PolicyPackSchema>;

/** Cross-field rules a per-field schema cannot express. */
function checkConsistency(pack: PackShape, ctx: z.RefinementCtx): void {
  const issue = (path: (string | number)[], message: string) => ctx.addIssue({ code: 'custom', path, message });
  const allowed = new Set(pack.remedies.allowed);
  const restricted = new Set(pack.remedies.restricted.map((r) => r.remedy));
  // A restricted remedy needs a person's recorded basis, so the engine may only propose it when it never decides alone.
  const engineMayGrant = (remedy: PackShape['remedies']['default']) =>
    !restricted.has(remedy) || !pack.autoDecision.enabled;
  if (!allowed.has(pack.remedies.default)) issue(['remedies', 'default'], 'default remedy is not allowed');
  if (!engineMayGrant(pack.remedies.default)) issue(['remedies', 'default'], 'default remedy needs a person');
  pack.remedies.restricted.forEach((r, i) => {
    if (!allowed.has(r.remedy)) issue(['remedies', 'restricted', i], 'restricted remedy is not allowed');
  });
  for (const [reason, rule] of Object.entries(pack.reasons)) {
    if (rule.remedy && (!allowed.has(rule.remedy) || !engineMayGrant(rule.remedy))) {
      issue(['reasons', reason, 'remedy'], 'reason remedy must be allowed, and unrestricted while the engine decides');
    }
    const needs = { duplicate_charge: 'duplicates', charge_review: 'charges', outage_share: 'outageShare' } as const;
    const block = rule.handling in needs ? needs[rule.handling as keyof typeof needs] : null;
    if (block && pack[block] === null) issue(['reasons', reason], `handling ${rule.handling} needs ${block}`);
    if ((block === 'duplicates' || block === 'outageShare') && pack.charges === null) {
      issue(['reasons', reason], `handling ${rule.handling} needs charges`);
    }
  }
  const { warnHoursBefore, escalateHoursBefore } = pack.chargebacks.evidenceDeadline;
  if (warnHoursBefore <= escalateHoursBefore) {
    issue(['chargebacks', 'evidenceDeadline'], 'the warning must come before the escalation');
  }
  const { review, resolution } = pack.sla;
  if (review.warnBusinessDays >= review.dueBusinessDays)
    issue(['sla', 'review'], 'warning must come before the due day');
  if (resolution.dueBusinessDays < review.dueBusinessDays)
    issue(['sla', 'resolution'], 'resolution cannot be due before review');
}

export type PolicyPack = z.output<typeof PolicyPackSchema>;
export type ReasonCitationRule = z.output<typeof ReasonCitation>;
export type ReasonRule = NonNullable<PolicyPack['reasons'][keyof PolicyPack['reasons']]>;
export type VerdictRule = PolicyPack['requests'][keyof PolicyPack['requests']];
export type Calendar = PolicyPack['calendar'];
