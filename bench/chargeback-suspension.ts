/**
 * How long from a signed dispute webhook's arrival to the account's suspension being visible over the API.
 *
 *   npm run dev                      # in one terminal (or any running Refund Desk)
 *   npm run bench:chargeback         # in another; API_URL, RUNS, STRIPE_WEBHOOK_SECRET to override
 *
 * Each run feeds a fresh imaginator account and charge through the operator API, posts a signed
 * `charge.dispute.created` event, then polls GET /v1/accounts/:id until it reads `suspended`.
 * The clock starts just before the webhook POST and stops at the first response that shows the suspension.
 */
import { performance } from 'node:perf_hooks';
import Stripe from 'stripe';
import { ulid } from 'ulid';
import { DEV_STRIPE_WEBHOOK_SECRET } from '../server/routes/webhooks';

const api = process.env.API_URL ?? 'http://127.0.0.1:3000';
const runs = Number(process.env.RUNS ?? 20);
const secret = process.env.STRIPE_WEBHOOK_SECRET ?? DEV_STRIPE_WEBHOOK_SECRET;
const operator = process.env.OPERATOR_KEY ?? 'demo-operator-key';
const agent = process.env.AGENT_KEY ?? 'demo-agent-key';

async function call(
  method: string,
  path: string,
  key: string | null,
  body?: string,
  headers: Record<string, string> = {},
) {
  const res = await fetch(`${api}${path}`, {
    method,
    body,
    headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}), ...headers },
  });
  const text = await res.text();
  if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${text}`);
  return JSON.parse(text) as Record<string, unknown>;
}

async function oneRun(): Promise<number> {
  const id = ulid().toLowerCase();
  const accountId = `acct_bench_${id}`;
  await call(
    'PUT',
    `/v1/accounts/${accountId}`,
    operator,
    JSON.stringify({ email: `${id}@bench.example`, policyId: 'imaginator' }),
  );
  const charge = {
    transactionId: `txn_bench_${id}`,
    invoiceNumber: null,
    paymentReference: `pi_bench_${id}`,
    accountId,
    amountMinor: 5000,
    currency: 'USD',
    kind: 'usage',
    createdAt: new Date(Date.now() - 86_400_000).toISOString(),
  };
  await call('POST', '/v1/usage/charges', operator, JSON.stringify({ records: [charge] }));
  const created = Math.floor(Date.now() / 1000);
  const payload = JSON.stringify({
    id: `evt_bench_${id}`,
    object: 'event',
    type: 'charge.dispute.created',
    created,
    data: {
      object: {
        id: `dp_bench_${id}`,
        object: 'dispute',
        amount: 5000,
        currency: 'usd',
        charge: `ch_bench_${id}`,
        payment_intent: `pi_bench_${id}`,
        reason: 'fraudulent',
        status: 'needs_response',
        evidence_details: { due_by: created + 7 * 86_400 },
      },
    },
  });
  const signature = Stripe.webhooks.generateTestHeaderString({ payload, secret });
  const started = performance.now();
  await call('POST', '/v1/webhooks/stripe', null, payload, { 'stripe-signature': signature });
  for (;;) {
    const account = await call('GET', `/v1/accounts/${accountId}`, agent);
    if (account.status === 'suspended') return performance.now() - started;
    if (performance.now() - started > 60_000) throw new Error(`account ${accountId} not suspended after 60 s`);
    // A short pause between reads, so the poll does not starve the worker it is timing.
    await new Promise((r) => setTimeout(r, 5));
  }
}

async function main() {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    times.push(await oneRun());
    process.stdout.write(`run ${i + 1}: ${times.at(-1)!.toFixed(1)} ms\n`);
  }
  const sorted = [...times].sort((a, b) => a - b);
  const median =
    sorted.length % 2
      ? sorted[(sorted.length - 1) / 2]!
      : (sorted[sorted.length / 2 - 1]! + sorted[sorted.length / 2]!) / 2;
  const p95 = sorted[Math.min(sorted.length - 1, Math.ceil(0.95 * sorted.length) - 1)]!;
  process.stdout.write(
    `\n${runs} runs against ${api}: min ${sorted[0]!.toFixed(1)} ms, median ${median.toFixed(1)} ms, p95 ${p95.toFixed(1)} ms, max ${sorted.at(-1)!.toFixed(1)} ms\n`,
  );
}

void main().catch((err) => {
  console.error(err);
  process.exit(1);
});
