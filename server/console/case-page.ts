import type { Db } from '../../db';
import type { ClaimRecord } from '../../db/claims';
import { creditStatement } from '../../db/credits';
import type { PolicyStore } from '../../db/policies';
import type { StaffPrincipal } from '../auth';
import { caseView } from '../case-view';
import { attentionBlock } from './attention-view';
import { caseActions } from './case-actions-view';
import { countdown, countdownBadge, money, when, words } from './format';
import { html, type SafeHtml } from './html';

/** Credit movements shown on the case; the statement API has them all. */
const CREDIT_MOVEMENTS_SHOWN = 10;

/** The case view the API serves (GET /v1/cases/:id), plus the account's credits and the pinned policy's calendar. */
export async function loadCase(db: Db, policies: PolicyStore, claim: ClaimRecord) {
  const [view, credits, policy] = await Promise.all([
    caseView(db, policies, claim),
    creditStatement(db, claim.accountId, { movementLimit: CREDIT_MOVEMENTS_SHOWN }),
    policies.pinned(claim.policyId, claim.policyVersion),
  ]);
  return { view, credits, policy };
}
export type LoadedCase = Awaited<ReturnType<typeof loadCase>>;
type CaseView = LoadedCase['view'];
type DecisionShown = NonNullable<CaseView['proposal']>;

const cur = (v: CaseView) => v.account.currency;

function header(v: CaseView): SafeHtml {
  return html`<header class="case-head">
  <h1>Claim ${v.claimId}</h1>
  <p><span class="status" id="case-status">${words(v.status)}</span>
    ${v.escalationLevel ? html`<span class="escalated">escalated to ${v.escalationLevel} ${when(v.escalatedAt)}</span>` : ''}</p>
  <dl class="facts">
    <div><dt>Account</dt><dd>${v.account.id} · ${v.account.email} · ${v.account.status}</dd></div>
    <div><dt>Policy</dt><dd><a href="/console/policies/${v.policy.id}">${v.policy.id}</a> <small>version ${v.policy.version}</small></dd></div>
    <div><dt>Reason</dt><dd>${words(v.reason)} · by ${v.channel}</dd></div>
    <div><dt>Submitted</dt><dd>${when(v.submittedAt)}</dd></div>
  </dl>
</header>`;
}

function customerWords(v: CaseView): SafeHtml {
  const c = v.customer;
  return html`<section aria-labelledby="words"><h2 id="words">The customer's words</h2>
  <blockquote class="words">${c.explanation ?? 'No explanation given.'}</blockquote>
  <dl class="facts">
    ${c.transactionId ? html`<div><dt>Transaction</dt><dd>${c.transactionId}</dd></div>` : ''}
    ${c.invoiceNumber ? html`<div><dt>Invoice</dt><dd>${c.invoiceNumber}</dd></div>` : ''}
    <div><dt>Requests claimed</dt><dd>${c.requestIds.length}</dd></div>
  </dl></section>`;
}

function evidence(v: CaseView): SafeHtml {
  const requests = v.evidence.requests.map((r) =>
    r.found
      ? html`<tr><td>${r.requestId}</td><td>${r.endpoint}</td><td>${r.httpStatus ?? 'no response'} · ${r.outcome}</td>
        <td class="num">${money({ amountMinor: r.chargedMinor ?? 0, currency: r.currency ?? v.account.currency })}</td><td>${r.outputDelivered ? 'yes' : 'no'}</td>
        <td>${when(r.startedAt)}</td><td>${(r.outages ?? []).map((o) => `${o.id} (${o.cause}${o.scheduled ? ', scheduled' : ''})`).join('; ') || '—'}</td>
        <td><span class="verdict">${words(r.verdict)}</span></td></tr>`
      : html`<tr><td>${r.requestId}</td><td colspan="6">${r.note}</td><td><span class="verdict">${words(r.verdict)}</span></td></tr>`,
  );
  const charges = v.evidence.charges.map(
    (
      c,
    ) => html`<tr><td>${c.transactionId}${c.claimed ? html` <strong>(claimed)</strong>` : ''}</td><td>${c.invoiceNumber ?? '—'}</td><td>${words(c.kind)}</td>
      <td class="num">${money({ amountMinor: c.amountMinor, currency: c.currency })}</td><td class="num">${money({ amountMinor: c.remainingMinor, currency: c.currency })}</td><td>${when(c.chargedAt)}</td></tr>`,
  );
  return html`<section aria-labelledby="evidence"><h2 id="evidence">Evidence from the usage ledger</h2>
  ${
    requests.length
      ? html`<div class="scroll"><table class="evidence"><caption>Claimed requests and their verdicts</caption>
    <thead><tr><th scope="col">Request</th><th scope="col">Endpoint</th><th scope="col">Response</th><th scope="col" class="num">Charged</th><th scope="col">Output delivered</th><th scope="col">Started</th><th scope="col">Outages</th><th scope="col">Verdict</th></tr></thead>
    <tbody>${requests}</tbody></table></div>`
      : ''
  }
  ${
    charges.length
      ? html`<div class="scroll"><table class="evidence"><caption>Charges</caption>
    <thead><tr><th scope="col">Transaction</th><th scope="col">Invoice</th><th scope="col">Kind</th><th scope="col" class="num">Amount</th><th scope="col" class="num">Not yet paid back by other claims</th><th scope="col">Charged</th></tr></thead>
    <tbody>${charges}</tbody></table></div>`
      : ''
  }
  ${!requests.length && !charges.length ? html`<p>The claim names no request or charge the ledger has.</p>` : ''}
</section>`;
}

function remedied(v: CaseView): SafeHtml {
  return html`<section aria-labelledby="remedied"><h2 id="remedied">Already remedied for these items</h2>
  ${
    v.remedies.length
      ? html`<table><thead><tr><th scope="col">Claim</th><th scope="col">Item</th><th scope="col" class="num">Amount</th><th scope="col">Remedy</th><th scope="col">State</th></tr></thead><tbody>${v.remedies.map(
          (
            r,
          ) => html`<tr><td>${r.thisClaim ? 'this claim' : html`<a href="/console/cases/${r.claimId}">${r.claimId}</a>`}</td><td>${r.requestId ?? r.transactionId}</td>
      <td class="num">${money({ amountMinor: r.amountMinor, currency: r.currency })}</td><td>${words(r.remedy)}</td><td>${words(r.state)}</td></tr>`,
        )}</tbody></table>`
      : html`<p>Nothing: no claim has paid back or reserved these items.</p>`
  }
</section>`;
}

/** A decision or proposal with its reasons, each clause quoted, and the arithmetic behind the amount. */
function decisionBlock(d: DecisionShown): SafeHtml {
  return html`<p class="outcome"><strong>${words(d.outcome)}</strong>: ${money({ amountMinor: d.amountMinor, currency: d.currency })} as ${words(d.remedy)}
    <small>by ${d.decidedBy.type}${'id' in d.decidedBy ? html` ${d.decidedBy.id}` : ''}</small></p>
  ${d.note ? html`<p>Note: ${d.note}</p>` : ''}
  <ol class="reasons">${d.reasons.map(
    (r) =>
      html`<li><span class="clause">${r.clause}</span> ${r.message}<blockquote class="quote">“${r.quote}”</blockquote></li>`,
  )}</ol>
  ${d.arithmetic.length ? html`<details open><summary>Arithmetic</summary><ol class="arithmetic">${d.arithmetic.map((a) => html`<li><code>${a}</code></li>`)}</ol></details>` : ''}`;
}

function proposalAndDecision(v: CaseView): SafeHtml {
  return html`<section aria-labelledby="proposal"><h2 id="proposal">The engine's proposal</h2>
  ${v.proposal ? decisionBlock(v.proposal) : html`<p>No proposal yet.</p>`}
  ${v.decision && v.decision.decidedBy.type !== 'system' ? html`<h3>Decision</h3>${decisionBlock(v.decision)}` : ''}
</section>`;
}

function deadlines(loaded: LoadedCase, now: Date): SafeHtml {
  const calendar = loaded.policy.pack.calendar;
  return html`<section aria-labelledby="deadlines"><h2 id="deadlines">Deadlines</h2>
  <table><thead><tr><th scope="col">Deadline</th><th scope="col">Due</th><th scope="col">Clause</th><th scope="col">Countdown</th></tr></thead><tbody>${loaded.view.deadlines.map(
    (
      d,
    ) => html`<tr><td>${words(d.kind)} (${d.businessDays} business days)</td><td>${when(d.dueAt)}</td><td>${d.clause}</td>
      <td>${d.state === 'open' || d.state === 'breached' ? countdownBadge(countdown(now, d.dueAt, calendar)) : words(d.state)}</td></tr>`,
  )}</tbody></table></section>`;
}

function timeline(v: CaseView): SafeHtml {
  return html`<section aria-labelledby="timeline"><h2 id="timeline">Timeline</h2>
  <ol class="timeline">${v.timeline.map(
    (e) => html`<li><time datetime="${e.at}">${when(e.at)}</time> <strong>${words(e.type)}</strong>
      ${e.from || e.to ? html`<span class="move">${words(e.from)} → ${words(e.to)}</span>` : ''}
      <span class="actor">${e.actor.type}${e.actor.id ? ` ${e.actor.id}` : ''}</span><br><span>${e.why}</span></li>`,
  )}</ol></section>`;
}

function mails(v: CaseView): SafeHtml {
  return html`<section aria-labelledby="mails"><h2 id="mails">Mail thread</h2>
  ${v.mails.length ? html`<ul class="mails">${v.mails.map((m) => html`<li><time>${when(m.sentAt)}</time> to ${m.recipient}: <strong>${m.subject}</strong></li>`)}</ul>` : html`<p>No mail yet.</p>`}
</section>`;
}

function credits(loaded: LoadedCase): SafeHtml {
  const s = loaded.credits;
  if (!s) return html``;
  return html`<section aria-labelledby="credits"><h2 id="credits">The account's credits</h2>
  <p>${s.balances.map((b) => html`<span class="balance">${money({ amountMinor: b.balanceMinor, currency: b.currency })} held, ${money({ amountMinor: b.availableMinor, currency: b.currency })} available</span> `)}</p>
  ${
    s.movements.length
      ? html`<table><caption>Latest movements (${s.movements.length} of ${s.movementCount})</caption><thead><tr><th scope="col">When</th><th scope="col">Kind</th><th scope="col" class="num">Amount</th><th scope="col">Why</th></tr></thead><tbody>${s.movements.map(
          (m) =>
            html`<tr><td>${when(m.at)}</td><td>${m.kind}</td><td class="num">${money({ amountMinor: m.amountMinor, currency: m.currency })}</td><td>${m.why}</td></tr>`,
        )}</tbody></table>`
      : ''
  }
</section>`;
}

/** Everything the reviewer needs on one screen, with the actions this person's role allows. */
export function casePage(loaded: LoadedCase, staff: StaffPrincipal, csrfToken: string, now = new Date()): SafeHtml {
  const v = loaded.view;
  return html`<article class="case">
${header(v)}
<div class="case-grid">
  <div class="case-main">
    ${attentionBlock(v, staff, csrfToken)}
    ${customerWords(v)}
    ${evidence(v)}
    ${remedied(v)}
    ${proposalAndDecision(v)}
  </div>
  <aside class="case-side">
    ${caseActions(v, loaded.policy, staff, csrfToken, cur(v))}
    ${deadlines(loaded, now)}
    ${credits(loaded)}
  </aside>
</div>
${timeline(v)}
${mails(v)}
</article>`;
}
