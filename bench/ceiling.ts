/**
 * C, the dev server's ceiling on this machine (issue #11 §4): auto-credited claims arrive open-loop at fixed
 * rates (each POST is sent at its scheduled instant, whether or not earlier ones have finished, so a slow
 * system cannot slow its own load down), and each claim is followed until `closed`. End-to-end latency is
 * measured from the scheduled instant. The ceiling is the first rate at which the p99 climbs past 3× the
 * lowest rate's, claims fail, or claims close at less than 90% of the arrival rate.
 */
import { claimStatuses } from '../db/bench-figures';
import { FINAL_STATUSES } from '../common/claim';
import { quantile } from './lib/database';
import { startApiProcess, startWorkerProcess, type DeskProcess } from './lib/desk-processes';
import { autoCreditClaim, seedFailedCalls } from './lib/seed';
import type { InfraStack } from './lib/stack';
import type { BenchFigure } from './lib/suite';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const round = (n: number, d = 2) => Number(n.toFixed(d));

interface Step {
  rate: number;
  sent: number;
  closed: number;
  errors: number;
  p50S: number;
  p99S: number;
  /** Claims closed per second between the first and the last close. */
  completedPerS: number;
}

async function step(
  infra: InfraStack,
  apiUrl: string,
  rate: number,
  seconds: number,
  prefix: string,
  log: (m: string) => void,
): Promise<Step> {
  const count = Math.round(rate * seconds);
  await seedFailedCalls(infra.db, prefix, count);
  const sentAt = new Map<string, number>();
  const latencies: number[] = [];
  let errors = 0;
  let lastClose = 0;
  let firstClose = 0;
  const t0 = performance.now() + 100;
  let sending = true;
  const open = new Set<string>();
  // Followed while the arrivals go on: a claim's close is seen within one poll of it happening.
  const follow = (async () => {
    const giveUp = () => !sending && performance.now() > lastArrival + 180_000;
    let lastArrival = performance.now();
    while ((sending || open.size > 0) && !giveUp()) {
      if (sending) lastArrival = performance.now();
      if (open.size > 0) {
        const statuses = await claimStatuses(infra.db, [...open]);
        const now = performance.now();
        for (const [id, status] of statuses) {
          if (!(FINAL_STATUSES as readonly string[]).includes(status)) continue;
          open.delete(id);
          if (status === 'closed') {
            latencies.push(now - sentAt.get(id)!);
            firstClose ||= now;
            lastClose = now;
          } else errors++;
        }
      }
      await sleep(200);
    }
  })();
  const posts: Promise<void>[] = [];
  for (let i = 0; i < count; i++) {
    const at = t0 + (i * 1000) / rate;
    const wait = at - performance.now();
    if (wait > 0) await sleep(wait);
    posts.push(
      fetch(`${apiUrl}/v1/claims`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'idempotency-key': `${prefix}-${i}` },
        body: JSON.stringify(autoCreditClaim(prefix, i)),
      })
        .then(async (res) => {
          if (!res.ok) throw new Error(`${res.status}`);
          const { claimId } = (await res.json()) as { claimId: string };
          sentAt.set(claimId, at);
          open.add(claimId);
        })
        .catch(() => {
          errors++;
        }),
    );
  }
  await Promise.all(posts);
  sending = false;
  await follow;
  errors += open.size;
  const sorted = latencies.sort((a, b) => a - b);
  const result = {
    rate,
    sent: count,
    closed: sorted.length,
    errors,
    p50S: round(quantile(sorted, 0.5) / 1000),
    p99S: round(quantile(sorted, 0.99) / 1000),
    // Between the first and the last close: equals the arrival rate while the system keeps up.
    completedPerS: round((sorted.length - 1) / ((lastClose - firstClose) / 1000)),
  };
  log(`[C] ${JSON.stringify(result)}`);
  return result;
}

export async function measureCeiling(
  infra: InfraStack,
  options: { quick: boolean; rates?: number[]; seconds?: number; log(message: string): void },
): Promise<BenchFigure[]> {
  const { log } = options;
  const rates = options.rates ?? (options.quick ? [1, 3] : [1, 2, 4, 6, 8, 12]);
  const seconds = options.seconds ?? (options.quick ? 10 : 30);
  const taskQueue = `bench-c-${process.pid}`;
  const { freePort } = await import('../scripts/lib/proc.mjs');
  const running: DeskProcess[] = [];
  const steps: Step[] = [];
  try {
    const api = await startApiProcess({ infra, taskQueue, log }, await freePort());
    running.push(api);
    running.push(await startWorkerProcess({ infra, taskQueue, log }));
    for (const rate of rates) {
      const s = await step(infra, api.url, rate, seconds, `c_${process.pid}_${rate}`, log);
      steps.push(s);
      const climbed = s.p99S > 3 * steps[0]!.p99S || s.errors > 0 || s.completedPerS < 0.9 * rate;
      if (climbed && steps.length > 1) break;
    }
  } finally {
    for (const p of running.reverse()) await p.stop();
  }
  const first = steps[0]!;
  const ceiling = steps.find(
    (s, i) => i > 0 && (s.p99S > 3 * first.p99S || s.errors > 0 || s.completedPerS < 0.9 * s.rate),
  );
  const lastGood = ceiling ? steps[steps.indexOf(ceiling) - 1]! : steps.at(-1)!;
  return steps.map((s) => ({
    part: 'C',
    name: `claims arriving at ${s.rate}/s for ${seconds} s: end-to-end p99 (lower is better)${s === ceiling ? ' ← latency/errors climb here' : ''}`,
    value: s.p99S,
    unit: 's',
    baseline: { name: `p99 at ${first.rate}/s`, value: first.p99S, unit: 's' },
    ratio: round(s.p99S / first.p99S),
    detail: { ...s, sustainedRate: lastGood.rate },
  }));
}
