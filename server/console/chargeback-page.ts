import type { Db } from '../../db';
import { getAccountView } from '../../db/account-status';
import type { ChargebackRecord } from '../../db/chargebacks';
import type { PolicyStore } from '../../db/policies';
import { STRIPE_TEXT_FIELDS } from '../../domain/chargebacks';
import type { StaffPrincipal } from '../auth';
import { CHARGEBACK_PERMISSIONS, chargebackView } from '../chargeback-actions';
import { csrfField } from './layout';
import { calendarCountdown, countdownBadge, money, when, words } from './format';
import { html, type SafeHtml } from './html';
import { evidenceWarnHours } from './queue-page';
import { may } from './session';

/** The case view the API serves (GET /v1/chargebacks/:id), the account as GET /v1/accounts/:id shows it, and the warning lead time. */
export async function loadChargeback(db: Db, policies: PolicyStore, record: ChargebackRecord) {
  const [view, account, warnHours] = await Promise.all([
    chargebackView(db, record),
    record.accountId ? getAccountView(db, record.accountId) : undefined,
    evidenceWarnHours(policies, { id: record.policyId, version: record.policyVersion }),
  ]);
  return { view, account: account ?? null, warnHours };
}
export type LoadedChargeback = Awaited<ReturnType<typeof loadChargeback>>;
type View = LoadedChargeback['view'];

/** Awaiting the desk's answer, as the workflow judges it. */
export const isAnswerable = (v: View) => !v.outcome && (v.status === 'open' || v.status === 'contest_pending');

function header(l: LoadedChargeback, now: Date): SafeHtml {
  const v = l.view;
  return html`<header class="case-head">
  <h1>Chargeback ${v.id}</h1>
  <p><span class="status" id="chargeback-status">${words(v.status)}</span>${v.outcome ? html` <span>processor outcome: ${v.outcome}</span>` : ''}</p>
  <dl class="facts">
    <div><dt>Dispute</dt><dd>${v.processor} ${v.disputeId} · ${words(v.reason)} · processor status ${words(v.processorStatus)}</dd></div>
    <div><dt>Amount</dt><dd>${money(v.amount)}</dd></div>
    <div><dt>Charge</dt><dd>${v.transactionId ?? 'unmatched'}${v.chargeRef ? ` · ${v.chargeRef}` : ''}${v.paymentIntentRef ? ` · ${v.paymentIntentRef}` : ''}</dd></div>
    <div><dt>Policy</dt><dd>${v.policyId ? html`<a href="/console/policies/${v.policyId}">${v.policyId}</a> <small>version ${v.policyVersion}</small>` : '—'}</dd></div>
    <div><dt>Evidence due</dt><dd id="due-countdown">${v.dueBy ? html`${countdownBadge(isAnswerable(v) ? calendarCountdown(now, v.dueBy, l.warnHours) : { urgency: 'ok', text: 'answered' })} <small>due_by ${when(v.dueBy)}</small>` : 'the processor gave no due_by'}</dd></div>
    <div><dt>Opened</dt><dd>${when(v.openedAt)}</dd></div>
  </dl>
</header>`;
}

function accountSection(l: LoadedChargeback): SafeHtml {
  const a = l.account;
  return html`<section aria-labelledby="account-h"><h2 id="account-h">The account</h2>
  ${
    a
      ? html`<dl class="facts">
    <div><dt>Account</dt><dd>${a.id} · ${a.email}</dd></div>
    <div><dt>Status</dt><dd id="account-status"><strong>${a.status}</strong>${a.statusReason ? html` — ${a.statusReason}` : ''}${a.statusClause ? html` (${a.statusClause})` : ''}${a.statusChangedAt ? html` <small>${when(a.statusChangedAt)}</small>` : ''}</dd></div>
    <div><dt>Credits held</dt><dd>${l.view.creditHold ? `${money(l.view.creditHold.amount)} (${l.view.creditHold.state})` : 'none'}</dd></div>
  </dl>`
      : html`<p>No ledger charge matches this dispute, so no account is linked.</p>`
  }
</section>`;
}

/** The evidence exactly as it would be submitted: the Stripe fields the API returns, then the pack behind them. */
export function evidenceFields(v: View): SafeHtml {
  const stripe = v.evidence?.stripe;
  if (!stripe) return html`<p>The evidence pack is still being built from the ledger.</p>`;
  return html`<dl class="evidence-pack">${STRIPE_TEXT_FIELDS.filter((f) => stripe[f] !== undefined).map(
    (f) => html`<div><dt>${words(f)}</dt><dd><pre class="evidence-text">${stripe[f]}</pre></dd></div>`,
  )}</dl>`;
}

function evidenceSection(v: View): SafeHtml {
  const pack = v.evidence?.pack;
  const submitted = v.evidenceSubmission;
  return html`<section aria-labelledby="evidence-h"><h2 id="evidence-h">Evidence pack as it will be submitted</h2>
  ${pack ? html`<p class="hint">Built from the ledger ${when(pack.builtAt)}; fields below are the processor's evidence fields.</p>` : ''}
  ${evidenceFields(v)}
  ${pack?.clauses.length ? html`<h3>Clauses cited</h3><ol class="reasons">${pack.clauses.map((c) => html`<li><span class="clause">${c.clause}</span> ${c.topic}<blockquote class="quote">“${c.quote}”</blockquote></li>`)}</ol>` : ''}
  ${submitted ? html`<details><summary>What was last prepared or submitted</summary><pre class="evidence-text">${JSON.stringify(submitted, null, 2)}</pre></details>` : ''}
</section>`;
}

function claimsSection(v: View): SafeHtml {
  const claims = v.evidence?.pack.claims ?? [];
  return html`<section aria-labelledby="claims-h"><h2 id="claims-h">Linked claims</h2>
  ${
    claims.length
      ? html`<table><thead><tr><th scope="col">Claim</th><th scope="col">Reason</th><th scope="col">Status</th><th scope="col">Outcome</th><th scope="col">Submitted</th></tr></thead><tbody>${claims.map(
          (
            c,
          ) => html`<tr><td><a href="/console/cases/${c.claimId}">${c.claimId}</a></td><td>${words(c.reason)}</td><td>${words(c.status)}</td>
      <td>${c.outcome ? `${words(c.outcome)}${c.amount ? ` ${money(c.amount)}` : ''}${c.remedy ? ` as ${words(c.remedy)}` : ''}` : '—'}</td><td>${when(c.submittedAt)}</td></tr>`,
        )}</tbody></table>`
      : html`<p>The customer made no refund claim on this account before disputing.</p>`
  }
</section>`;
}

function deadlines(l: LoadedChargeback, now: Date): SafeHtml {
  return html`<section aria-labelledby="cb-deadlines"><h2 id="cb-deadlines">Deadlines</h2>
  ${
    l.view.deadlines.length
      ? html`<table><thead><tr><th scope="col">Deadline</th><th scope="col">Due</th><th scope="col">Clause</th><th scope="col">Countdown</th></tr></thead><tbody>${l.view.deadlines.map(
          (d) =>
            html`<tr><td>${words(d.kind)}</td><td>${when(d.dueAt)}</td><td>${d.clause}</td><td>${d.state === 'open' ? countdownBadge(calendarCountdown(now, d.dueAt, l.warnHours)) : words(d.state)}</td></tr>`,
        )}</tbody></table>`
      : html`<p>None.</p>`
  }</section>`;
}

function timeline(v: View): SafeHtml {
  return html`<section aria-labelledby="cb-timeline"><h2 id="cb-timeline">Timeline</h2>
  <ol class="timeline">${v.timeline.map(
    (e) => html`<li><time datetime="${e.at}">${when(e.at)}</time> <strong>${words(e.type)}</strong>
      ${e.from || e.to ? html`<span class="move">${words(e.from)} → ${words(e.to)}</span>` : ''}
      <span class="actor">${e.actor.type} ${e.actor.id}</span><br><span>${e.why}</span></li>`,
  )}</ol></section>`;
}

const whyField = (id: string, label: string) =>
  html`<label for="${id}">${label}</label><textarea id="${id}" name="why" rows="2" required></textarea>`;

function actionForm(v: View, path: string, title: string, button: string, csrf: string, fields: SafeHtml): SafeHtml {
  return html`<form method="post" action="/console/chargebacks/${v.id}/${path}" class="action"><h3>${title}</h3>${csrfField(csrf)}${fields}<button type="submit">${button}</button></form>`;
}

/** The actions this person's role allows on the case as it stands; the workflow and the server check again on submit. */
export function chargebackActions(l: LoadedChargeback, staff: StaffPrincipal, csrf: string): SafeHtml {
  const v = l.view;
  const forms: SafeHtml[] = [];
  const decider = may(staff, CHARGEBACK_PERMISSIONS.decide);
  if (isAnswerable(v) && decider) {
    forms.push(html`<div class="action"><h3>Contest</h3><p>Review the evidence pack, edit it if needed, then submit.</p>
      <a class="button" href="/console/chargebacks/${v.id}/contest">Review evidence and contest</a></div>`);
    forms.push(
      actionForm(
        v,
        'accept',
        'Accept the dispute',
        'Accept dispute',
        csrf,
        whyField('accept-why', 'Why accept (the processor keeps the money)'),
      ),
    );
  }
  if (v.status === 'contest_pending' && may(staff, CHARGEBACK_PERMISSIONS.confirmSubmission)) {
    forms.push(
      actionForm(
        v,
        'confirm-submission',
        'Confirm the evidence was submitted',
        'Confirm submission',
        csrf,
        html`<label for="processorReference">Processor reference (optional)</label><input id="processorReference" name="processorReference" autocomplete="off">`,
      ),
    );
  }
  const account = l.account?.status;
  if (decider && v.status !== 'closed' && !v.unmatched && account) {
    if (account === 'suspended' || (account === 'active' && v.status === 'lost')) {
      forms.push(
        actionForm(
          v,
          'reinstate',
          'Reinstate the account',
          'Reinstate account',
          csrf,
          whyField('reinstate-why', 'Why reinstate'),
        ),
      );
    }
    if (account !== 'terminated')
      forms.push(
        actionForm(
          v,
          'terminate',
          'Terminate the account',
          'Terminate account',
          csrf,
          whyField('terminate-why', 'Why terminate'),
        ),
      );
  }
  return html`<section aria-labelledby="cb-actions"><h2 id="cb-actions">Actions</h2>
  ${forms.length ? forms : html`<p>Nothing for a ${staff.role} to do on a chargeback that is ${words(v.status)}.</p>`}
</section>`;
}

/** The dispute, its evidence pack, the due_by countdown, the linked claims and the account, with the role's actions. */
export function chargebackPage(l: LoadedChargeback, staff: StaffPrincipal, csrf: string, now = new Date()): SafeHtml {
  return html`<article class="case">
${header(l, now)}
<div class="case-grid">
  <div class="case-main">
    ${evidenceSection(l.view)}
    ${claimsSection(l.view)}
  </div>
  <aside class="case-side">
    ${chargebackActions(l, staff, csrf)}
    ${accountSection(l)}
    ${deadlines(l, now)}
  </aside>
</div>
${timeline(l.view)}
</article>`;
}

/** The contest step: the evidence fields to review, each editable; only changed fields are sent as edits. */
export function contestPage(l: LoadedChargeback, csrf: string): SafeHtml {
  const v = l.view;
  const stripe = v.evidence?.stripe ?? {};
  return html`<h1>Contest chargeback ${v.id}</h1>
<p>This is the evidence that will be submitted for ${money(v.amount)}${v.dueBy ? ` before ${when(v.dueBy)}` : ''}. Edit a field to replace it; empty a field to leave it out.</p>
<form method="post" action="/console/chargebacks/${v.id}/contest" class="action contest">${csrfField(csrf)}
  ${STRIPE_TEXT_FIELDS.map((f) => html`<label for="ev-${f}">${words(f)}</label><textarea id="ev-${f}" name="ev_${f}" rows="${Math.min(12, Math.max(2, (stripe[f] ?? '').split('\n').length + 1))}">${stripe[f] ?? ''}</textarea>`)}
  <label for="note">Note for the timeline (optional)</label><textarea id="note" name="note" rows="2"></textarea>
  <button type="submit">Contest with this evidence</button>
  <a href="/console/chargebacks/${v.id}">Back to the chargeback</a>
</form>`;
}
