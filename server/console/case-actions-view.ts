import type { LoadedPolicy } from '../../domain/policy';
import type { StaffPrincipal } from '../auth';
import { CASE_PERMISSIONS } from '../case-actions';
import { csrfField } from './layout';
import { money } from './format';
import { html, type SafeHtml } from './html';
import { may } from './session';
import type { LoadedCase } from './case-page';

type CaseView = LoadedCase['view'];

/**
 * The most a decision may pay, as the server will enforce it: what the claimed requests were charged less what
 * other claims already paid back, or what remains of the claimed charge. Null when the case names neither.
 */
export function remainderLimit(v: CaseView): number | null {
  const findings = (v.decision ?? v.proposal)?.findings ?? [];
  if (findings.length > 0)
    return findings.filter((f) => f.verdict !== 'already_remedied').reduce((sum, f) => sum + f.chargedMinor, 0);
  const claimed = v.evidence.charges.filter((c) => c.claimed);
  return claimed.length ? claimed.reduce((sum, c) => sum + c.remainingMinor, 0) : null;
}

function decideForm(v: CaseView, policy: LoadedPolicy, csrf: string, currency: string): SafeHtml {
  const limit = remainderLimit(v);
  const remedies = policy.pack.remedies;
  return html`<form method="post" action="/console/cases/${v.claimId}/decision" class="action" aria-labelledby="decide-h">
  <h3 id="decide-h">Decide</h3>${csrfField(csrf)}
  <fieldset><legend>Outcome</legend>
    <label><input type="radio" name="outcome" value="approved" required> Approve in full${v.proposal ? ` (${money({ amountMinor: v.proposal.amountMinor, currency })} proposed)` : ''}</label>
    <label><input type="radio" name="outcome" value="partially_approved"> Partially approve</label>
    <label><input type="radio" name="outcome" value="denied"> Deny</label>
  </fieldset>
  <label for="amount">Amount (${currency}), for a partial approval</label>
  <input id="amount" name="amount" inputmode="decimal" pattern="[0-9]+([.][0-9]{1,3})?" autocomplete="off" aria-describedby="limit">
  <p id="limit" class="hint">${limit === null ? 'No charged amount to cap the remedy; the policy engine checks it.' : html`Remainder limit: at most <strong>${money({ amountMinor: limit, currency })}</strong> may be paid back; the server refuses more.`}</p>
  <label for="remedy">Remedy</label>
  <select id="remedy" name="remedy">${remedies.allowed.map((r) => html`<option value="${r}"${r === remedies.default ? html` selected` : ''}>${r.replace(/_/g, ' ')}</option>`)}</select>
  <label for="note">Note (the basis for the decision)</label>
  <textarea id="note" name="note" rows="3"></textarea>
  <button type="submit">Record decision</button>
</form>`;
}

function requestInfoForm(v: CaseView, csrf: string): SafeHtml {
  return html`<form method="post" action="/console/cases/${v.claimId}/request-info" class="action" aria-labelledby="info-h">
  <h3 id="info-h">Ask the customer</h3>${csrfField(csrf)}
  <label for="message">Message to the customer</label>
  <textarea id="message" name="message" rows="3" required></textarea>
  <button type="submit">Request information</button>
</form>`;
}

function payoutForm(v: CaseView, csrf: string): SafeHtml {
  const d = v.decision;
  return html`<form method="post" action="/console/cases/${v.claimId}/payout-confirmation" class="action" aria-labelledby="payout-h">
  <h3 id="payout-h">Confirm the payout</h3>${csrfField(csrf)}
  ${d ? html`<p>Refund of ${money({ amountMinor: d.amountMinor, currency: d.currency })} to the original payment method.</p>` : ''}
  <label for="processorReference">Processor reference</label>
  <input id="processorReference" name="processorReference" required autocomplete="off">
  <button type="submit">Confirm payout</button>
</form>`;
}

/** The actions this person's role allows on the claim as it stands; the server checks the role again on submit. */
export function caseActions(
  v: CaseView,
  policy: LoadedPolicy,
  staff: StaffPrincipal,
  csrf: string,
  currency: string,
): SafeHtml {
  const forms: SafeHtml[] = [];
  if (v.status === 'in_review' && may(staff, CASE_PERMISSIONS.decide))
    forms.push(decideForm(v, policy, csrf, currency));
  if (v.status === 'in_review' && may(staff, CASE_PERMISSIONS.requestInfo)) forms.push(requestInfoForm(v, csrf));
  if (v.status === 'awaiting_payout' && may(staff, CASE_PERMISSIONS.confirmPayout)) forms.push(payoutForm(v, csrf));
  return html`<section aria-labelledby="actions"><h2 id="actions">Actions</h2>
  ${forms.length ? forms : html`<p>Nothing for a ${staff.role} to do on a claim that is ${v.status.replace(/_/g, ' ')}.</p>`}
</section>
${revokeLinksForm(v, csrf)}`;
}

/** Any console role may cut off a leaked status link: every claim token issued so far stops working. */
function revokeLinksForm(v: CaseView, csrf: string): SafeHtml {
  return html`<section aria-labelledby="links-h"><h2 id="links-h">Customer links</h2>
<form method="post" action="/console/cases/${v.claimId}/revoke-links" class="action">${csrfField(csrf)}
  <label for="revoke-reason">Why (kept on the timeline)</label>
  <input id="revoke-reason" name="reason" maxlength="500" autocomplete="off">
  <button type="submit">Revoke the customer's links</button>
</form></section>`;
}
