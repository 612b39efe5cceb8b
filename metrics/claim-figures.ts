import { Counter, Gauge, type Registry } from 'prom-client';
import { CLAIM_STATUSES, DEADLINE_KINDS, FINAL_STATUSES } from '../common/claim';
import type { Queryable } from '../db';
import { readClaimFigures, type ClaimFigures } from '../db/metrics';

const OPEN_STATUSES = CLAIM_STATUSES.filter((s) => !FINAL_STATUSES.includes(s));
/** The early warning is a notice, never a breach. */
const BREACHABLE_DEADLINES = DEADLINE_KINDS.filter((k) => k !== 'review_warning');
const ESCALATION_LEVELS = ['lead', 'finance'];

/**
 * Claim, decision, SLA and money figures. They live in PostgreSQL, where the API and the worker
 * both write them, so each scrape reads them in one statement instead of counting in one process.
 * Totals are counters because the rows behind them are never deleted.
 */
export class ClaimFigureMetrics {
  private readonly up: Gauge;
  private readonly received: Counter<'policy' | 'channel'>;
  private readonly decisions: Counter<'policy' | 'outcome' | 'decided_by'>;
  private readonly open: Gauge<'status'>;
  private readonly overdue: Gauge;
  private readonly escalated: Gauge<'level'>;
  private readonly pendingPayouts: Gauge<'currency'>;
  private readonly pendingPayoutMinor: Gauge<'currency'>;
  private readonly oldestPendingPayout: Gauge<'currency'>;
  private readonly breaches: Counter<'deadline'>;
  private readonly credits: Counter<'currency'>;
  private readonly refunds: Counter<'currency'>;
  private readonly needingAttention: Counter<'error_type'>;
  private readonly claimStartsPending: Gauge;
  private readonly claimStartOldest: Gauge;
  private readonly deadlinesUnfired: Gauge;
  private readonly sweepLag: Gauge;
  private readonly alertsUnsent: Gauge;

  constructor(registers: Registry) {
    const r = { registers: [registers] };
    this.up = new Gauge({
      name: 'refund_desk_claim_figures_up',
      help: '1 when this scrape could read the claim figures from PostgreSQL, else 0',
      ...r,
    });
    this.received = new Counter({
      name: 'refund_desk_claims_received_total',
      help: 'Claims received, by policy and channel',
      labelNames: ['policy', 'channel'],
      ...r,
    });
    this.decisions = new Counter({
      name: 'refund_desk_decisions_total',
      help: 'Claims decided, by policy, outcome and who decided (engine or staff)',
      labelNames: ['policy', 'outcome', 'decided_by'],
      ...r,
    });
    this.open = new Gauge({
      name: 'refund_desk_open_cases',
      help: 'Claims not yet closed, denied, abandoned or withdrawn, by status',
      labelNames: ['status'],
      ...r,
    });
    this.overdue = new Gauge({
      name: 'refund_desk_overdue_cases',
      help: 'Open claims with a review, resolution, payout or reply deadline past due',
      ...r,
    });
    this.escalated = new Gauge({
      name: 'refund_desk_escalated_cases',
      help: 'Open claims escalated, by who was alerted (lead or finance)',
      labelNames: ['level'],
      ...r,
    });
    this.pendingPayouts = new Gauge({
      name: 'refund_desk_payouts_awaiting_confirmation',
      help: 'Refund payouts finance has not confirmed, by currency',
      labelNames: ['currency'],
      ...r,
    });
    this.pendingPayoutMinor = new Gauge({
      name: 'refund_desk_payouts_awaiting_confirmation_minor_units',
      help: 'Amount of the unconfirmed refund payouts in minor units, by currency',
      labelNames: ['currency'],
      ...r,
    });
    this.oldestPendingPayout = new Gauge({
      name: 'refund_desk_payout_awaiting_confirmation_oldest_age_seconds',
      help: 'Age of the oldest unconfirmed refund payout, by currency',
      labelNames: ['currency'],
      ...r,
    });
    this.breaches = new Counter({
      name: 'refund_desk_sla_breaches_total',
      help: 'Deadlines breached, by deadline kind',
      labelNames: ['deadline'],
      ...r,
    });
    this.credits = new Counter({
      name: 'refund_desk_credits_issued_minor_units_total',
      help: 'Claim and service credits issued in minor units, by currency',
      labelNames: ['currency'],
      ...r,
    });
    this.refunds = new Counter({
      name: 'refund_desk_refunds_paid_minor_units_total',
      help: 'Refunds paid (payouts confirmed by finance) in minor units, by currency',
      labelNames: ['currency'],
      ...r,
    });
    this.needingAttention = new Counter({
      name: 'refund_desk_claims_needing_attention_total',
      help: 'Claims stopped by a failure retrying cannot fix and moved to needs_attention, by error type; alert on any increase',
      labelNames: ['error_type'],
      ...r,
    });
    this.claimStartsPending = new Gauge({
      name: 'refund_desk_claim_starts_pending',
      help: 'Claims stored whose workflow is not started yet (the claim outbox); it drains as the worker keeps up',
      ...r,
    });
    this.claimStartOldest = new Gauge({
      name: 'refund_desk_claim_start_oldest_age_seconds',
      help: 'How long the oldest claim in the outbox has waited for its workflow to start (0 when none)',
      ...r,
    });
    this.deadlinesUnfired = new Gauge({
      name: 'refund_desk_deadlines_due_unfired',
      help: 'Review and payout deadlines past due that the deadline sweep has not fired yet',
      ...r,
    });
    this.sweepLag = new Gauge({
      name: 'refund_desk_deadline_sweep_lag_seconds',
      help: 'How far past due the oldest unfired deadline is (0 when none); alert when it passes a minute',
      ...r,
    });
    this.alertsUnsent = new Gauge({
      name: 'refund_desk_staff_alerts_unsent',
      help: 'Deadlines the sweep fired whose staff alert is not yet sent',
      ...r,
    });
  }

  /** Reads the figures; on a database error the business series are dropped and `up` says so. */
  async refresh(db: Queryable): Promise<void> {
    let figures: ClaimFigures;
    try {
      figures = await readClaimFigures(db);
    } catch {
      for (const m of this.all()) m.reset();
      this.up.set(0);
      return;
    }
    this.set(figures);
    this.up.set(1);
  }

  private all() {
    return [
      this.received,
      this.decisions,
      this.open,
      this.overdue,
      this.escalated,
      this.pendingPayouts,
      this.pendingPayoutMinor,
      this.oldestPendingPayout,
      this.breaches,
      this.credits,
      this.refunds,
      this.needingAttention,
      this.claimStartsPending,
      this.claimStartOldest,
      this.deadlinesUnfired,
      this.sweepLag,
      this.alertsUnsent,
    ];
  }

  /** Replaces every value in one synchronous step, so a scrape never mixes two readings. */
  private set(f: ClaimFigures): void {
    for (const m of this.all()) m.reset();
    for (const x of f.received) this.received.inc({ policy: x.policy, channel: x.channel }, x.n);
    for (const x of f.decisions)
      this.decisions.inc({ policy: x.policy, outcome: x.outcome, decided_by: x.decidedBy }, x.n);
    // Zero series for quiet statuses, levels and deadlines, so alerts see 0 rather than nothing.
    for (const status of OPEN_STATUSES) this.open.set({ status }, f.open.find((x) => x.status === status)?.n ?? 0);
    this.overdue.set(f.overdue);
    for (const level of new Set([...ESCALATION_LEVELS, ...f.escalated.map((x) => x.level)])) {
      this.escalated.set({ level }, f.escalated.find((x) => x.level === level)?.n ?? 0);
    }
    for (const x of f.pendingPayouts) {
      this.pendingPayouts.set({ currency: x.currency }, x.n);
      this.pendingPayoutMinor.set({ currency: x.currency }, x.amountMinor);
      this.oldestPendingPayout.set({ currency: x.currency }, x.oldestAgeSeconds);
    }
    for (const deadline of BREACHABLE_DEADLINES)
      this.breaches.inc({ deadline }, f.breaches.find((x) => x.deadline === deadline)?.n ?? 0);
    for (const x of f.creditsIssued) this.credits.inc({ currency: x.currency }, x.amountMinor);
    for (const x of f.refundsPaid) this.refunds.inc({ currency: x.currency }, x.amountMinor);
    for (const x of f.needingAttention) this.needingAttention.inc({ error_type: x.errorType }, x.n);
    this.claimStartsPending.set(f.claimStarts.pending);
    this.claimStartOldest.set(f.claimStarts.oldestAgeSeconds);
    this.deadlinesUnfired.set(f.deadlineSweep.dueUnfired);
    this.sweepLag.set(f.deadlineSweep.lagSeconds);
    this.alertsUnsent.set(f.deadlineSweep.alertsUnsent);
  }
}
