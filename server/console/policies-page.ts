import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { LoadedPolicy } from '../../domain/policy';
import type { simulatePolicy } from '../routes/policies';
import { csrfField } from './layout';
import { money, words } from './format';
import { html, type SafeHtml } from './html';

const EXAMPLES_DIR = path.resolve(__dirname, '..', '..', 'examples', 'simulations');

/** One clause the pack rests on: where in the pack, what it says, and the words it quotes. */
interface ClauseEntry {
  where: string;
  clause: string;
  quote: string;
  message?: string;
  assumption?: string;
}

/** Every rule in the pack that cites a clause, found wherever it sits, so a new pack section shows without a code change. */
export function clausesOf(value: unknown, where = ''): ClauseEntry[] {
  if (Array.isArray(value)) return value.flatMap((v, i) => clausesOf(v, `${where}[${i}]`));
  if (!value || typeof value !== 'object') return [];
  const o = value as Record<string, unknown>;
  const own: ClauseEntry[] =
    typeof o.clause === 'string' && typeof o.quote === 'string'
      ? [
          {
            where: where || '(pack)',
            clause: o.clause,
            quote: o.quote,
            message: str(o.message ?? o.reason ?? o.topic),
            assumption: str(o.assumption),
          },
        ]
      : [];
  return [...own, ...Object.entries(o).flatMap(([k, v]) => clausesOf(v, where ? `${where}.${k}` : k))];
}

const str = (v: unknown) => (typeof v === 'string' ? v : undefined);

/** The sample simulator input shipped for this policy (examples/simulations/<platform>-*.json, e.g. pixazo-5xx.json). */
export function exampleSimulation(policyId: string): string {
  const platform = policyId.split('-')[0]!;
  const file = readdirSync(EXAMPLES_DIR).find((f) => f.startsWith(`${platform}-`) && f.endsWith('.json'));
  return file
    ? readFileSync(path.join(EXAMPLES_DIR, file), 'utf8')
    : '{\n  "claim": { "reason": "failed_request", "requestIds": [] }\n}';
}

/** The list of packs. */
export function policiesIndex(policies: LoadedPolicy[]): SafeHtml {
  return html`<h1>Policies</h1><ul class="policies">${policies.map(
    (p) =>
      html`<li><a href="/console/policies/${p.id}">${p.pack.title}</a> <small>${p.id} · version ${p.version}</small></li>`,
  )}</ul>`;
}

type SimulationView = ReturnType<typeof simulatePolicy>;

function simulationResult(result: SimulationView | undefined, error: string | undefined): SafeHtml {
  if (error) return html`<p class="flash flash-error" role="alert">${error}</p>`;
  if (!result) return html``;
  // An undecided case carries the engine's proposal for a person, never a decision.
  const d = result.decision ?? result.proposal;
  return html`<div class="sim-result" role="status"><h3>Result: ${words(result.status)}</h3>
  ${
    d
      ? html`<p>${result.decision ? '' : 'Proposal for a person: '}<strong>${words(d.outcome)}</strong>: ${money({ amountMinor: d.amountMinor, currency: d.currency })} as ${words(d.remedy)}</p>
  <ol class="reasons">${d.reasons.map((r) => html`<li><span class="clause">${r.clause}</span> ${r.message}<blockquote class="quote">“${r.quote}”</blockquote></li>`)}</ol>
  ${d.arithmetic.length ? html`<ol class="arithmetic">${d.arithmetic.map((a) => html`<li><code>${a}</code></li>`)}</ol>` : ''}`
      : ''
  }
  ${result.missing.length ? html`<p>Would ask the customer for: ${result.missing.map(words).join(', ')}</p>` : ''}
  ${result.why.length ? html`<ul>${result.why.map((r) => html`<li><span class="clause">${r.clause}</span> ${r.message}</li>`)}</ul>` : ''}
</div>`;
}

/** One pack: calendar, SLAs, every clause with its quote, and the simulator. */
export function policyPage(
  policy: LoadedPolicy,
  csrf: string,
  sim: { input: string; result?: SimulationView; error?: string },
): SafeHtml {
  const pack = policy.pack;
  const slas = Object.entries(pack.sla as Record<string, Record<string, unknown>>);
  return html`<h1>${pack.title}</h1>
<p><small>${policy.id} · version ${policy.version} · last updated ${pack.lastUpdated}</small></p>
<section aria-labelledby="calendar"><h2 id="calendar">Calendar</h2>
  <p>Business days in ${pack.calendar.timeZone}, skipping ${pack.calendar.holidays.name}.</p>
  <p class="hint">${pack.calendar.holidays.source}</p></section>
<section aria-labelledby="slas"><h2 id="slas">SLAs</h2>
  <table><thead><tr><th scope="col">SLA</th><th scope="col">Business days</th><th scope="col">Clause</th></tr></thead><tbody>${slas.map(
    ([name, s]) =>
      html`<tr><td>${words(name)}</td><td>${Object.entries(s)
        .filter(([k]) => /BusinessDays$/.test(k))
        .map(([k, n]) => `${words(k.replace(/BusinessDays$/, ''))}: ${String(n)}`)
        .join(', ')}</td><td>${String(s.clause ?? '')}</td></tr>`,
  )}</tbody></table></section>
<section aria-labelledby="simulate"><h2 id="simulate">Simulator</h2>
  <form method="post" action="/console/policies/${policy.id}/simulate" hx-target="#sim-out" hx-select="#sim-out" hx-swap="outerHTML">
    ${csrfField(csrf)}
    <label for="sim-input">A claim and the ledger facts to judge it on (the body of POST /v1/policies/${policy.id}/simulate)</label>
    <textarea id="sim-input" name="input" rows="12" spellcheck="false">${sim.input}</textarea>
    <button type="submit">Simulate</button>
  </form>
  <div id="sim-out">${simulationResult(sim.result, sim.error)}</div>
</section>
<section aria-labelledby="clauses"><h2 id="clauses">Clauses</h2>
  <ol class="clauses">${clausesOf(pack).map(
    (
      c,
    ) => html`<li><span class="clause">${c.clause}</span> <code>${c.where}</code>${c.message ? html` ${c.message}` : ''}
      <blockquote class="quote">“${c.quote}”</blockquote>${c.assumption ? html`<p class="hint">Assumption: ${c.assumption}</p>` : ''}</li>`,
  )}</ol></section>`;
}
