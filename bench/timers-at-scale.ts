/**
 * P3, timers at scale: N open claims (10,000 in a full run), each in review with pending SLA timers. The
 * benchmark's worker (bench/lib/timer-worker.ts) swaps the deadline planner through the activity factory so
 * that each claim's review deadline falls due inside one window, spread over a minute, once all claims are
 * open. Reports escalation lateness (the escalated_to_lead event's time minus its deadline) p50/p99/max, the
 * worker's memory with N open workflows, and what it took to open them.
 *
 * The first claims calibrate how fast claims open on this machine; their review deadlines lie 30 days out
 * (they are open and have pending timers, but are not measured). The window starts when the rest should all
 * be open, with a margin; a deadline planned after it was already due would measure the opening, not the
 * timer, so such claims are counted apart.
 *
 * The escalations are fired by the worker's deadline sweep (worker/deadline-sweep.ts), which also mails the lead; each
 * claim workflow's own timer, the backstop, fires 60 s after its deadline and finds the work done. The run waits for
 * the alerts too, and reports how many went out and when the last did.
 */
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { FINAL_STATUSES } from '../common/claim';
import { countByStatus, staffAlertsSent, timerFirings } from '../db/bench-figures';
import type { BenchFigure } from './lib/suite';
import { driveClaims } from './lib/claim-driver';
import { quantile } from './lib/database';
import { startApiProcess, startWorkerProcess, type DeskProcess } from './lib/desk-processes';
import { rssMb } from './lib/proc-stats';
import { reviewClaim, seedCharges } from './lib/seed';
import type { InfraStack } from './lib/stack';

const round = (n: number, digits = 1) => Number(n.toFixed(digits));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function measureTimersAtScale(
  infra: InfraStack,
  options: { claims: number; quick: boolean; inFlight?: number; log(message: string): void },
): Promise<BenchFigure[]> {
  const { claims: total, quick, log } = options;
  const inFlight = options.inFlight ?? 50;
  const spreadMs = quick ? 10_000 : 60_000;
  const tag = `${process.pid}`;
  const taskQueue = `bench-p3-${tag}`;
  const prefix = `p3_${tag}`;
  const windowFile = path.resolve(__dirname, '..', '.data', `bench-p3-window-${tag}.json`);
  rmSync(windowFile, { force: true });
  const { freePort } = await import('../scripts/lib/proc.mjs');
  const running: DeskProcess[] = [];
  try {
    const desk = { infra, taskQueue, log, env: { BENCH_DUE_WINDOW_FILE: windowFile } };
    const api = await startApiProcess(desk, await freePort());
    running.push(api);
    const worker = await startWorkerProcess(desk, 'bench/lib/timer-worker.ts', 'timer-worker');
    running.push(worker);
    await seedCharges(infra.db, prefix, total);
    const bodies = Array.from({ length: total }, (_, i) => reviewClaim(prefix, i));
    const open = (from: number, to: number) =>
      driveClaims({
        apiUrl: api.url,
        db: infra.db,
        bodies: bodies.slice(from, to),
        inFlight,
        doneAt: ['in_review'],
        finalStatuses: FINAL_STATUSES,
        idPrefix: `${prefix}-${from}`,
        log,
      });

    // Calibration: how fast claims reach review here and now.
    const calibration = Math.max(10, Math.min(200, Math.floor(total / 20)));
    const first = await open(0, calibration);
    const rate = (first.done / first.elapsedMs) * 1000;
    const expectedMs = ((total - calibration) / rate) * 1000;
    const fromMs = Date.now() + expectedMs * 1.3 + (quick ? 10_000 : 30_000);
    writeFileSync(windowFile, JSON.stringify({ fromMs, spreadMs }));
    log(
      `[P3] ${calibration} calibration claims reached review at ${rate.toFixed(2)}/s; the other ${total - calibration} ` +
        `should take ${(expectedMs / 1000).toFixed(0)} s; deadlines fall due from ${new Date(fromMs).toISOString()} over ${spreadMs / 1000} s`,
    );
    const openStarted = Date.now();
    const rest = await open(calibration, total);
    const openMs = Date.now() - openStarted + first.elapsedMs;
    const inReview = (await countByStatus(infra.db, [...first.claimIds, ...rest.claimIds])).in_review ?? 0;
    const rssOpen = rssMb(worker.pid);
    log(`[P3] ${inReview} claims in review after ${(openMs / 1000).toFixed(0)} s; worker RSS ${rssOpen.toFixed(0)} MB`);

    // The window: sample the worker's memory until every measured escalation is written and its alert sent to the
    // lead (or 2 minutes after the window).
    let rssMax = rssOpen;
    const measured = rest.done;
    const giveUpAt = fromMs + spreadMs + 120_000;
    let alerts = await staffAlertsSent(infra.db, prefix, 'sla:review@');
    for (;;) {
      rssMax = Math.max(rssMax, rssMb(worker.pid));
      const escalated = (await timerFirings(infra.db, prefix)).filter((f) => f.type === 'escalated_to_lead').length;
      alerts = await staffAlertsSent(infra.db, prefix, 'sla:review@');
      if ((escalated >= measured && alerts.sent >= measured) || Date.now() > giveUpAt) break;
      await sleep(1_000);
    }
    const windowEnd = fromMs + spreadMs;
    const alertsDoneS = alerts.lastAt ? round((alerts.lastAt.getTime() - windowEnd) / 1000) : 'none';
    log(`[P3] ${alerts.sent} review escalation alerts sent by the sweep, the last ${alertsDoneS} s after the window`);
    const firings = (await timerFirings(infra.db, prefix)).filter((f) => f.type === 'escalated_to_lead');
    const onTime = firings.filter((f) => f.plannedLateMs < 0).map((f) => f.latenessMs);
    const plannedLate = firings.length - onTime.length;
    const sorted = onTime.sort((a, b) => a - b);
    const p = (q: number) => round(quantile(sorted, q) / 1000, 2);
    log(
      `[P3] ${firings.length} escalations of ${measured}; ${plannedLate} planned after their due time; ` +
        `lateness p50 ${p(0.5)} s, p99 ${p(0.99)} s, max ${p(1)} s`,
    );
    const detail = {
      openClaims: inReview,
      measuredClaims: measured,
      escalations: firings.length,
      plannedAfterDue: plannedLate,
      calibrationClaims: calibration,
      spreadS: spreadMs / 1000,
      openS: round(openMs / 1000),
      openRatePerS: round((first.done + rest.done) / (openMs / 1000), 2),
      latenessP50S: p(0.5),
      latenessMaxS: p(1),
      sweptAlertsSent: alerts.sent,
      lastAlertAfterWindowS: alertsDoneS,
    };
    return [
      {
        part: 'P3',
        name: `escalation lateness p99, ${sorted.length} review deadlines due within ${spreadMs / 1000} s, ${inReview} open claims`,
        value: p(0.99),
        unit: 's',
        target: 'p99 < 2 s',
        met: sorted.length === measured && p(0.99) < 2,
        detail,
      },
      { part: 'P3', name: 'escalation lateness p50', value: p(0.5), unit: 's' },
      { part: 'P3', name: 'escalation lateness max', value: p(1), unit: 's' },
      {
        part: 'P3',
        name: `review escalation alerts mailed to the lead by the deadline sweep (of ${measured})`,
        value: alerts.sent,
        unit: 'mails',
        detail: { lastAlertAfterWindowS: alertsDoneS },
      },
      {
        part: 'P3',
        name: `timer worker RSS with ${inReview} open claim workflows (max in the window in detail)`,
        value: round(rssOpen, 0),
        unit: 'MB',
        detail: { rssMaxMb: round(rssMax, 0) },
      },
      {
        part: 'P3',
        name: `time to open ${inReview} claims to review (POST /v1/claims, ${inFlight} in flight)`,
        value: round(openMs / 1000),
        unit: 's',
        detail: { claimsPerS: detail.openRatePerS },
      },
    ];
  } finally {
    for (const p of running.reverse()) await p.stop();
    rmSync(windowFile, { force: true });
  }
}
