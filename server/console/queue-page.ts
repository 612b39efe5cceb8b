import type { Request, Response } from 'express';
import { z } from 'zod';
import { CHANNELS } from '../../common/claim';
import type { Db } from '../../db';
import {
  chargebackQueuePage,
  QUEUE_TABS,
  queueCounts,
  queuePage,
  type ChargebackQueueRow,
  type QueueQuery,
  type QueueRow,
  type QueueTab,
} from '../../db/console-queue';
import type { PolicyStore } from '../../db/policies';
import { CursorParam, encodeCursor } from '../queue-cursor';
import { calendarCountdown, countdown, countdownBadge, money, when, words, type Countdown } from './format';
import { html, type SafeHtml } from './html';

const PAGE_SIZE = 25;
/** How often an open queue page refreshes itself, without a reload. */
const REFRESH_SECONDS = 20;

const TAB_LABELS: Record<QueueTab, string> = {
  decide: 'Needs a decision',
  attention: 'Needs attention (stopped by an error)',
  customer: 'Awaiting the customer',
  payout: 'Awaiting payout',
  chargebacks: 'Chargebacks with evidence due',
  overdue: 'Overdue and escalated',
};

const blankToUndefined = (v: unknown) => (v === '' ? undefined : v);
/** The queue's query string; an unknown tab or a cursor the server did not issue is a 400 in plain words. */
const QueueParams = z.object({
  tab: z.enum(QUEUE_TABS).default('decide'),
  policy: z.preprocess(blankToUndefined, z.string().max(200).optional()),
  account: z.preprocess(blankToUndefined, z.string().trim().max(200).optional()),
  channel: z.preprocess(blankToUndefined, z.enum(CHANNELS).optional()),
  sort: z.enum(['due_asc', 'due_desc']).default('due_asc'),
  after: z.preprocess(blankToUndefined, CursorParam.optional()),
});
type QueueParams = z.infer<typeof QueueParams>;

/** Everything the queue screen shows, read in two statements plus the policies' calendars. */
export async function loadQueue(db: Db, policies: PolicyStore, query: unknown, now = new Date()) {
  const params = QueueParams.parse(query);
  const page = {
    policyId: params.policy,
    accountId: params.account,
    sort: params.sort,
    limit: PAGE_SIZE,
    after: params.after,
  };
  const policyIds = policies.list().map((p) => p.id);
  if (params.tab === 'chargebacks') {
    const [{ rows, ...slice }, counts] = await Promise.all([chargebackQueuePage(db, page), queueCounts(db)]);
    return { params, rows: [], disputes: await disputeCountdowns(policies, rows, now), ...slice, counts, policyIds };
  }
  const q: QueueQuery = { ...page, tab: params.tab, channel: params.channel };
  const [{ rows, ...slice }, counts] = await Promise.all([queuePage(db, q), queueCounts(db)]);
  const withCountdowns = await Promise.all(
    rows.map(async (row) => {
      const calendar = (await policies.pinned(row.policyId, row.policyVersion)).pack.calendar;
      return { row, due: row.nextDeadline && countdown(now, row.nextDeadline.dueAt, calendar) };
    }),
  );
  return { params, rows: withCountdowns, disputes: [], ...slice, counts, policyIds };
}

/** The hours before due_by at which a policy warns the lead; for an unmatched dispute, the most cautious policy's. */
export async function evidenceWarnHours(
  policies: PolicyStore,
  policy: { id: string | null; version: string | null },
): Promise<number> {
  if (policy.id && policy.version)
    return (await policies.pinned(policy.id, policy.version)).pack.chargebacks.evidenceDeadline.warnHoursBefore;
  return Math.max(...policies.list().map((p) => p.pack.chargebacks.evidenceDeadline.warnHoursBefore));
}

async function disputeCountdowns(policies: PolicyStore, rows: ChargebackQueueRow[], now: Date) {
  return Promise.all(
    rows.map(async (row) => {
      const soon = await evidenceWarnHours(policies, { id: row.policyId, version: row.policyVersion });
      return { row, due: row.dueBy ? calendarCountdown(now, row.dueBy, soon) : null };
    }),
  );
}
type LoadedQueue = Awaited<ReturnType<typeof loadQueue>>;

/** The queue's URL with some parameters changed; blank ones are left out, a page position goes out as a cursor. */
function queueHref(params: QueueParams, change: Partial<QueueParams>): string {
  const merged = { ...params, ...change };
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(merged)) {
    if (value === undefined || value === '') continue;
    search.set(key, typeof value === 'object' ? encodeCursor(value) : String(value));
  }
  return `/console/queue?${search}`;
}

function tabs(q: LoadedQueue): SafeHtml {
  return html`<nav class="tabs" aria-label="Queues">${QUEUE_TABS.map(
    (t) =>
      html`<a href="${queueHref(q.params, { tab: t, after: undefined })}"${t === q.params.tab ? html` aria-current="page"` : ''}>${TAB_LABELS[t]} <span class="count">${q.counts[t]}</span></a>`,
  )}</nav>`;
}

function filters(q: LoadedQueue): SafeHtml {
  const p = q.params;
  const option = (value: string, label: string, current: string | undefined) =>
    html`<option value="${value}"${value === (current ?? '') ? html` selected` : ''}>${label}</option>`;
  return html`<form class="filters" method="get" action="/console/queue">
  <input type="hidden" name="tab" value="${p.tab}">
  <label>Policy <select name="policy">${option('', 'any', p.policy)}${q.policyIds.map((id) => option(id, id, p.policy))}</select></label>
  <label>Account <input name="account" value="${p.account ?? ''}" placeholder="id or email" autocomplete="off"></label>
  ${p.tab === 'chargebacks' ? '' : html`<label>Channel <select name="channel">${option('', 'any', p.channel)}${CHANNELS.map((c) => option(c, c, p.channel))}</select></label>`}
  <label>Sort <select name="sort">${option('due_asc', 'due soonest first', p.sort)}${option('due_desc', 'due latest first', p.sort)}</select></label>
  <button type="submit">Apply</button>
</form>`;
}

function disputeRow({ row: r, due }: { row: ChargebackQueueRow; due: Countdown | null }): SafeHtml {
  return html`<tr class="${due ? `due-${due.urgency}` : ''}">
  <td data-label="Chargeback"><a href="/console/chargebacks/${r.chargebackId}">${r.chargebackId}</a></td>
  <td data-label="Account">${r.accountId ? html`${r.accountId}<br><small>${r.accountEmail}</small>` : 'unmatched'}</td>
  <td data-label="Policy">${r.policyId ?? '—'}</td>
  <td data-label="Reason">${words(r.reason)}</td>
  <td data-label="Amount" class="num">${money(r.amount)}</td>
  <td data-label="Status"><span class="status">${words(r.status)}</span></td>
  <td data-label="Evidence due">${countdownBadge(due)}${r.dueBy ? html`<br><small>due_by ${when(r.dueBy)}</small>` : ''}</td>
</tr>`;
}

function disputeTable(q: LoadedQueue): SafeHtml {
  return html`<table class="queue">
  <caption>${TAB_LABELS.chargebacks}</caption>
  <thead><tr><th scope="col">Chargeback</th><th scope="col">Account</th><th scope="col">Policy</th><th scope="col">Reason</th><th scope="col" class="num">Amount</th><th scope="col">Status</th><th scope="col">Evidence due (calendar time)</th></tr></thead>
  <tbody>${q.disputes.length ? q.disputes.map(disputeRow) : html`<tr><td colspan="7">No dispute awaits an answer.</td></tr>`}</tbody>
</table>`;
}

function row({ row: r, due }: { row: QueueRow; due: ReturnType<typeof countdown> | null }): SafeHtml {
  return html`<tr class="${due ? `due-${due.urgency}` : ''}">
  <td data-label="Claim"><a href="/console/cases/${r.claimId}">${r.claimId}</a></td>
  <td data-label="Account">${r.accountId}<br><small>${r.accountEmail}</small></td>
  <td data-label="Policy">${r.policyId}</td>
  <td data-label="Reason">${words(r.reason)}<br><small>${r.channel}</small></td>
  <td data-label="At stake" class="num">${money(r.atStake)}</td>
  <td data-label="Status"><span class="status">${words(r.status)}</span>${r.escalationLevel ? html`<br><small class="escalated">escalated to ${r.escalationLevel}</small>` : ''}${r.attention ? html`<br><small class="attention">${r.attention}</small>` : ''}</td>
  <td data-label="SLA">${countdownBadge(due)}${r.nextDeadline ? html`<br><small>${words(r.nextDeadline.kind)} ${r.nextDeadline.clause}, ${when(r.nextDeadline.dueAt)}</small>` : ''}</td>
</tr>`;
}

/** Where this page sits in the tab, a way back to the start, and the next page when there is one. */
function pager(q: LoadedQueue): SafeHtml {
  const shown = q.params.tab === 'chargebacks' ? q.disputes.length : q.rows.length;
  const noun = `${q.params.tab === 'chargebacks' ? 'dispute' : 'claim'}${q.total === 1 ? '' : 's'}`;
  const range = shown ? `${q.before + 1}–${q.before + shown} of ${q.total}` : `none of ${q.total}`;
  return html`<nav class="pager" aria-label="Pages">
  ${q.params.after ? html`<a href="${queueHref(q.params, { after: undefined })}" rel="first">First page</a>` : ''}
  <span>Showing ${range} ${noun}</span>
  ${q.next ? html`<a href="${queueHref(q.params, { after: q.next })}" rel="next">Next page</a>` : ''}
</nav>`;
}

/** The part of the queue that refreshes itself every few seconds (htmx swaps it in place). */
export function queueSection(q: LoadedQueue): SafeHtml {
  const self = queueHref(q.params, {});
  // The poller is an empty element, so the tabs and links do not inherit its target.
  return html`<section id="queue">
<span hidden hx-get="${self}" hx-trigger="every ${REFRESH_SECONDS}s" hx-target="#queue" hx-swap="outerHTML"></span>
${tabs(q)}
${filters(q)}
${
  q.params.tab === 'chargebacks'
    ? disputeTable(q)
    : html`<table class="queue">
  <caption>${TAB_LABELS[q.params.tab]}</caption>
  <thead><tr><th scope="col">Claim</th><th scope="col">Account</th><th scope="col">Policy</th><th scope="col">Reason</th><th scope="col" class="num">At stake</th><th scope="col">Status</th><th scope="col">SLA countdown</th></tr></thead>
  <tbody>${q.rows.length ? q.rows.map(row) : html`<tr><td colspan="7">Nothing here.</td></tr>`}</tbody>
</table>`
}
${pager(q)}
</section>`;
}

/** An htmx refresh gets only the queue section; a browser gets the whole page. */
export function isFragmentRequest(req: Request, res: Response): boolean {
  res.vary('HX-Request');
  return req.get('HX-Request') === 'true' && req.get('HX-Boosted') !== 'true';
}
