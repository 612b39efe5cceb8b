/**
 * Policy simulator on the command line: the same evaluation as POST /v1/policies/:id/simulate,
 * straight from the policy files, with no database and no Temporal.
 *
 *   npm run simulate -- --policy pixazo-api examples/simulations/pixazo-5xx.json
 *   npm run simulate -- --policy pixazo-api --pack ./draft/pixazo-api.json claim.json   # try a draft version
 *   npm run simulate -- --policy imaginator --json claim.json                            # machine-readable
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { formatMoney } from '../common/money';
import { loadPolicyPacks, parsePolicyPack, simulateClaim } from '../domain/policy';
import { SimulationBody, simulationView, toSimulationInput } from '../server/simulation';

function usage(message: string): never {
  process.stderr.write(`${message}\nusage: simulate --policy <id> [--pack draft.json] [--json] <claim.json | ->\n`);
  process.exit(2);
}

function readJson(file: string): unknown {
  return JSON.parse(readFileSync(file === '-' ? 0 : file, 'utf8'));
}

function main(): void {
  const { values, positionals } = parseArgs({
    options: { policy: { type: 'string' }, pack: { type: 'string' }, json: { type: 'boolean', default: false } },
    allowPositionals: true,
  });
  const file = positionals[0];
  if (!values.policy || !file) usage('a policy id and a claim file are required');
  const published = loadPolicyPacks().get(values.policy);
  if (!published) usage(`no policy ${values.policy}; known: ${[...loadPolicyPacks().keys()].join(', ')}`);
  const policy = values.pack ? parsePolicyPack(readJson(values.pack), values.pack) : published;

  const parsed = SimulationBody.safeParse(readJson(file));
  // Each bad field by its path, as the API's 400 names them.
  if (!parsed.success)
    usage(`${file}: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`).join('; ')}`);
  const input = toSimulationInput(parsed.data, new Date());
  const view = simulationView(
    simulateClaim(policy, input),
    policy,
    input.claim.submittedAt,
    policy.version !== published.version,
  );
  if (values.json) {
    process.stdout.write(`${JSON.stringify(view, null, 2)}\n`);
    return;
  }
  const lines = [`${view.policy.id}@${view.policy.version}${view.policy.draft ? ' (draft)' : ''}: ${view.status}`];
  const d = view.decision ?? view.proposal;
  if (d) {
    if (view.proposal) lines.push('  proposal (a person decides):');
    lines.push(`  ${d.outcome}, ${formatMoney({ amountMinor: d.amountMinor, currency: d.currency })} as ${d.remedy}`);
    for (const r of d.reasons) lines.push(`  - ${r.code} (${r.clause}): ${r.message}\n      "${r.quote}"`);
    lines.push('  arithmetic:', ...d.arithmetic.map((a) => `    ${a}`));
  }
  if (view.missing.length) lines.push(`  missing: ${view.missing.join(', ')}`);
  for (const r of view.why) lines.push(`  a person decides because: ${r.message} (${r.clause})`);
  for (const dl of view.deadlines)
    lines.push(`  ${dl.kind} due ${dl.dueAt} (${dl.businessDays} business days, ${dl.clause})`);
  process.stdout.write(`${lines.join('\n')}\n`);
}

main();
