import { activityInfo } from '@temporalio/activity';
import type { RefundDeskActivities } from '../../activities';
import type { ClaimStatus, Deadline, DeadlineKind, Decision, EvidenceCheck } from '../../common/claim';
import { addBusinessDays, businessDaysBetween, type BusinessCalendar } from '../../domain/calendar/business-days';

/** SLA figures a test claim runs under; business days as in a policy pack. */
export interface TestSla {
  calendar: BusinessCalendar;
  businessDays: Record<DeadlineKind, number>;
  /**
   * Count business days as if the claim had been submitted at this instant, then shift the result onto
   * the test server's clock. The wait is then a fixed, known span (e.g. across a weekend and a holiday)
   * whatever day the suite runs.
   */
  countFrom?: string;
}

export interface FakeLedger {
  statuses: ClaimStatus[];
  events: string[];
  deadlines: Map<DeadlineKind, Deadline>;
  alerts: { template: string; audience: string; deadline: Deadline; firedAtMs: number }[];
  notices: string[];
  credits: number;
  payouts: number;
  decisions: Decision[];
  /** Claims each settleRemedyHolds call reports as waiting, consumed in order. */
  wake: string[][];
  settled: { release: boolean }[];
}

/** The test server's clock as the activity sees it: when this attempt was scheduled. */
function serverNow(): number {
  return activityInfo().currentAttemptScheduledTimestampMs;
}

/**
 * In-memory stand-ins with the real activity signatures (jest.fn wrappers, so calls can be asserted).
 * Deadlines use the real business-day calendar; assessments come from the scenario.
 */
export function fakeActivities(
  assessments: EvidenceCheck[],
  sla: TestSla,
  /** The test server's clock; local activities carry the worker's time, not the skipped time. */
  clock: () => Promise<number> = async () => serverNow(),
) {
  const ledger: FakeLedger = {
    statuses: [],
    events: [],
    deadlines: new Map(),
    alerts: [],
    notices: [],
    credits: 0,
    payouts: 0,
    decisions: [],
    wake: [],
    settled: [],
  };
  let submittedAtMs: number | undefined;
  /** Records the moment the workflow planned its first deadlines: the claim's submission on the server clock. */
  const startedAtMs = () => submittedAtMs;
  let assessmentIndex = 0;
  const shiftMs = () => (sla.countFrom ? Date.parse(sla.countFrom) - submittedAtMs! : 0);
  const plan = (kind: DeadlineKind, fromMs: number): Deadline => ({
    kind,
    businessDays: sla.businessDays[kind],
    clause: `test ${kind}`,
    dueAt: new Date(
      addBusinessDays(new Date(fromMs + shiftMs()), sla.businessDays[kind], sla.calendar).getTime() - shiftMs(),
    ).toISOString(),
  });

  const activities: RefundDeskActivities = {
    recordTransition: jest.fn(async (t) => {
      ledger.events.push(t.type);
      if (t.to) ledger.statuses.push(t.to);
    }),
    assessClaim: jest.fn(async () => {
      const next = assessments[Math.min(assessmentIndex++, assessments.length - 1)]!;
      if (next.kind === 'waiting') throw new Error('claims before the remedy ledger never wait');
      return next;
    }),
    openDisputeOnClaimCharge: jest.fn(async () => null),
    runEvidenceCheck: jest.fn(async () => assessments[Math.min(assessmentIndex++, assessments.length - 1)]!),
    openEvidenceCheck: jest.fn(async ({ opening }) => {
      const { deadlines } = await activities.moveClaim({ ...opening, plan: { kinds: opening.plan } });
      return { deadlines, check: await activities.runEvidenceCheck({ claimId: opening.claimId }) };
    }),
    settleRemedyHolds: jest.fn(async ({ release }) => {
      ledger.settled.push({ release });
      return { wake: ledger.wake.shift() ?? [] };
    }),
    validateStaffDecision: jest.fn(async ({ decision, proposal }) => ({
      ...proposal!,
      outcome: decision.outcome,
      remedy: decision.remedy,
      amount: { ...proposal!.amount, amountMinor: decision.amountMinor ?? proposal!.amount.amountMinor },
      decidedBy: decision.actor,
      note: decision.note,
    })),
    recordDecision: jest.fn(async ({ decision, to }) => {
      ledger.decisions.push(decision);
      ledger.statuses.push(to);
    }),
    applyCustomerReply: jest.fn(async () => {
      ledger.events.push('customer_replied');
    }),
    markNeedsAttention: jest.fn(async () => {
      ledger.events.push('needs_attention');
      ledger.statuses.push('needs_attention');
    }),
    answerAttention: jest.fn(async ({ type, to }) => {
      ledger.events.push(type);
      ledger.statuses.push(to);
    }),
    planDeadlines: jest.fn(async ({ kinds, from }) => {
      submittedAtMs ??= await clock();
      const deadlines = kinds.map((k) => plan(k, from ? Date.parse(from) : submittedAtMs!));
      for (const d of deadlines) ledger.deadlines.set(d.kind, d);
      return deadlines;
    }),
    pauseDeadlines: jest.fn(async ({ pausedFrom, pausedUntil }) => {
      const paused = businessDaysBetween(
        new Date(Date.parse(pausedFrom) + shiftMs()),
        new Date(Date.parse(pausedUntil) + shiftMs()),
        sla.calendar,
      );
      const shifted = [...ledger.deadlines.values()]
        .filter((d) => d.kind !== 'customer_reply')
        .map((d) => ({
          ...d,
          dueAt: new Date(
            addBusinessDays(new Date(Date.parse(d.dueAt) + shiftMs()), paused, sla.calendar).getTime() - shiftMs(),
          ).toISOString(),
        }));
      for (const d of shifted) ledger.deadlines.set(d.kind, d);
      return shifted;
    }),
    settleDeadlines: jest.fn(async () => undefined),
    issueCredit: jest.fn(async ({ decision }) => {
      ledger.credits += 1;
      return { creditId: '1', amountMinor: decision.amount.amountMinor, currency: decision.amount.currency };
    }),
    requestPayout: jest.fn(async () => {
      ledger.payouts += 1;
      return { payoutId: '1', processorReference: null };
    }),
    confirmPayout: jest.fn(async ({ processorReference, confirmedBy }) => ({
      id: '1',
      paymentReference: null,
      processorReference,
      status: 'confirmed' as const,
      confirmedReference: processorReference,
      confirmedBy,
      confirmedAt: new Date(serverNow()).toISOString(),
    })),
    notifyCustomer: jest.fn(async ({ notice }) => {
      ledger.notices.push(notice.template);
    }),
    sendCustomerMails: jest.fn(async ({ mails }) => {
      for (const { notice } of mails) ledger.notices.push(notice.template);
    }),
    moveClaim: jest.fn(async ({ type, to, plan, holds }) => {
      ledger.events.push(type);
      if (to) ledger.statuses.push(to);
      const deadlines = await activities.planDeadlines({ claimId: '', kinds: plan?.kinds ?? [], from: plan?.from });
      if (holds) ledger.settled.push({ release: holds === 'release' });
      return { deadlines: plan ? deadlines : [], wake: holds ? (ledger.wake.shift() ?? []) : [] };
    }),
    recordClaimDecision: jest.fn(async ({ claimId, decision, to, credit }) => {
      ledger.decisions.push(decision);
      ledger.statuses.push(to);
      const wake = decision.outcome === 'denied' ? (ledger.wake.shift() ?? []) : [];
      if (decision.outcome === 'denied') ledger.settled.push({ release: true });
      return {
        openDispute: null,
        wake,
        ...(credit && { credit: await activities.issueCredit({ claimId, decision }) }),
      };
    }),
    sendMailsThenMove: jest.fn(async ({ claimId, mails, move }) => {
      await activities.sendCustomerMails({ claimId, mails });
      return activities.moveClaim(move);
    }),
    recordPayoutConfirmation: jest.fn(async ({ processorReference }) => {
      ledger.events.push(`payout_confirmed:${processorReference}`);
    }),
    alertStaff: jest.fn(async ({ template, audience, deadline }) => {
      ledger.alerts.push({ template, audience, deadline, firedAtMs: serverNow() });
    }),
  };
  return { activities, ledger, startedAtMs };
}
