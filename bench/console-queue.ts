/**
 * How long the support console's queue takes to load with 1,000 open cases.
 *
 *   npx tsx bench/console-queue.ts [--cases 1000] [--runs 20]
 *   npm run bench:console
 *
 * A throwaway database (bench/lib/database.ts) gets a synthetic ledger and `--cases` open claims with their
 * deadlines; the real express app serves the console (Temporal is not needed to read the queue). A staff key signs
 * in through the console's own form. Then:
 *   - server: GET /console/queue (first page, soonest due first; then the last, reached by following "Next page")
 *     `--runs` times each;
 *   - browser: Chromium (scripts/lib/chromium.mjs) loads the page `--runs` times; the figure is the navigation's
 *     loadEventEnd (HTML, CSS and htmx fetched, parsed and run).
 * Reports min / median / p95.
 */
import type { Server } from 'node:http';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Client } from '@temporalio/client';
import pino from 'pino';
import { chromium } from 'playwright-core';
import { insertSyntheticOpenClaims } from '../db/synthetic-cases';
import { insertSyntheticAccounts, loadSyntheticRequests, vacuumAnalyzeLedger } from '../db/synthetic-ledger';
import { PolicyStore } from '../db/policies';
import { createApp } from '../server/app';
import { registerStaffKeys } from '../server/auth';
import { benchDatabase, quantile } from './lib/database';

const { values: opts } = parseArgs({
  options: { cases: { type: 'string', default: '1000' }, runs: { type: 'string', default: '20' } },
});
const CASES = Number(opts.cases);
const RUNS = Number(opts.runs);
const ACCOUNTS = 200;
const KEY = 'bench-lead-key';

function summary(label: string, ms: number[]): string {
  const sorted = [...ms].sort((a, b) => a - b);
  const f = (n: number) => `${n.toFixed(1)} ms`;
  return `${label}: min ${f(sorted[0]!)}, median ${f(quantile(sorted, 0.5))}, p95 ${f(quantile(sorted, 0.95))} (${ms.length} runs)`;
}

/** Signs in through the console's form and returns the session cookie. */
async function signIn(base: string): Promise<string> {
  const form = await fetch(`${base}/console/sign-in`);
  const cookie = form.headers.get('set-cookie')!.split(';')[0]!;
  const csrf = /name="_csrf" value="([^"]+)"/.exec(await form.text())![1]!;
  const res = await fetch(`${base}/console/sign-in`, {
    method: 'POST',
    redirect: 'manual',
    headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ _csrf: csrf, key: KEY }),
  });
  return res.headers.get('set-cookie')!.split(';')[0]!;
}

/** The URL of the tab's last page, found by following its "Next page" links (keyset cursors) to the end. */
async function lastPageUrl(base: string, first: string, cookie: string): Promise<{ url: string; pages: number }> {
  let url = first;
  for (let pages = 1; ; pages++) {
    const html = await (await fetch(url, { headers: { cookie } })).text();
    const next = /href="([^"]+)" rel="next"/.exec(html)?.[1];
    if (!next) return { url, pages };
    url = `${base}${next.replace(/&amp;/g, '&')}`;
  }
}

async function timeServer(url: string, cookie: string): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < RUNS + 3; i++) {
    const t = performance.now();
    const res = await fetch(url, { headers: { cookie } });
    await res.text();
    if (res.status !== 200) throw new Error(`${url} answered ${res.status}`);
    if (i >= 3) times.push(performance.now() - t);
  }
  return times;
}

async function timeBrowser(base: string, cookie: string): Promise<number[]> {
  const { resolveChromium } = await import('../scripts/lib/chromium.mjs');
  const found = await resolveChromium();
  const browser = await chromium.launch({ executablePath: found.executablePath, args: found.args });
  try {
    const context = await browser.newContext();
    const [name, value] = cookie.split('=') as [string, string];
    await context.addCookies([{ name, value, url: `${base}/console/` }]);
    const page = await context.newPage();
    const times: number[] = [];
    for (let i = 0; i < RUNS + 2; i++) {
      await page.goto(`${base}/console/queue?tab=decide`, { waitUntil: 'load' });
      // Runs in the page; the Node typings do not know the navigation entry's fields.
      const load = await page.evaluate<number>('performance.getEntriesByType("navigation")[0].loadEventEnd');
      const rows = await page.locator('table.queue tbody tr').count();
      if (rows !== 25) throw new Error(`the queue showed ${rows} rows`);
      if (i >= 2) times.push(load);
    }
    return times;
  } finally {
    await browser.close();
  }
}

async function main() {
  const bench = await benchDatabase('bench_console');
  let server: Server | undefined;
  try {
    const { db } = bench;
    const policies = await PolicyStore.open(db, path.resolve(__dirname, '..', 'policies'));
    const policy = policies.current('pixazo-api')!;
    await insertSyntheticAccounts(db, ACCOUNTS, policy.id);
    await loadSyntheticRequests(db, { from: 1, to: 2 * CASES + 1, total: 2 * CASES + 1, accounts: ACCOUNTS, days: 20 });
    await insertSyntheticOpenClaims(db, {
      count: CASES,
      accounts: ACCOUNTS,
      policyId: policy.id,
      policyVersion: policy.version,
    });
    await registerStaffKeys(db, [{ role: 'lead', name: 'bench', key: KEY }]);
    await vacuumAnalyzeLedger(db);

    const app = createApp({
      db,
      policies,
      temporal: new Client(),
      logger: pino({ level: 'silent' }),
      taskQueue: 'bench',
      claimTokenSecret: 'bench-claim-token-secret',
    });
    server = await new Promise<Server>((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    const base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    const cookie = await signIn(base);
    const last = await lastPageUrl(base, `${base}/console/queue?tab=decide`, cookie);

    console.log(`console queue with ${CASES} open cases (${bench.where})`);
    console.log(
      summary('server, first page of "needs a decision"', await timeServer(`${base}/console/queue?tab=decide`, cookie)),
    );
    console.log(summary(`server, page ${last.pages} (the last)`, await timeServer(last.url, cookie)));
    console.log(
      summary('server, "overdue and escalated"', await timeServer(`${base}/console/queue?tab=overdue`, cookie)),
    );
    console.log(summary('Chromium, page load (loadEventEnd)', await timeBrowser(base, cookie)));
  } finally {
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    await bench.close();
  }
}

void main().catch((err) => {
  console.error(err);
  process.exit(1);
});
