import type { StaffPrincipal } from '../auth';
import { ATTENTION_ROLES } from '../attention-actions';
import type { LoadedCase } from './case-page';
import { when, words } from './format';
import { html, type SafeHtml } from './html';
import { csrfField } from './layout';
import { may } from './session';

type CaseView = LoadedCase['view'];

/**
 * A claim stopped by a failure retrying cannot fix: the error as the guard recorded it, and, for a lead or
 * admin, the two answers (retry once the cause is fixed, or close without a remedy).
 */
export function attentionBlock(v: CaseView, staff: StaffPrincipal, csrf: string): SafeHtml {
  const a = v.attention;
  if (v.status !== 'needs_attention' || !a) return html``;
  const forms = may(staff, ATTENTION_ROLES)
    ? html`<form method="post" action="/console/cases/${v.claimId}/attention" class="action" aria-labelledby="attention-h">
  <h3 id="attention-h">Retry or close</h3>${csrfField(csrf)}
  <label for="attention-why">Why (recorded in the timeline)</label>
  <textarea id="attention-why" name="why" rows="2" required></textarea>
  <button type="submit" name="action" value="retry">Retry from the start</button>
  <button type="submit" name="action" value="close">Close without a remedy</button>
</form>`
    : html`<p>A lead or admin retries or closes this claim.</p>`;
  return html`<section aria-labelledby="attention" class="attention" id="attention-error">
  <h2 id="attention">Needs attention</h2>
  <p>The claim stopped ${a.from ? html`while ${words(a.from)} ` : ''}${when(a.at)}: retrying could not fix it.</p>
  <dl class="facts">
    <div><dt>Error</dt><dd><code>${a.errorType}</code>${a.activity ? html` in <code>${a.activity}</code>` : ''}</dd></div>
    <div><dt>Message</dt><dd>${a.message}</dd></div>
    ${a.clause ? html`<div><dt>Clause</dt><dd>${a.clause}</dd></div>` : ''}
  </dl>
  ${forms}
</section>`;
}
