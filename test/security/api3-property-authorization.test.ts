/**
 * OWASP API3:2023 (broken object property-level authorization): what a customer receives is compared, key path by
 * key path, against an allow-list; staff-only properties (evidence, escalation, who on staff acted or decided) are
 * never among them, however far the claim has travelled through the desk.
 */
import { waitForStatus } from '../console/console-harness';
import { KEYS, startDesk, waitForClaimStatus, type Desk } from '../integration/desk-harness';
import { customerClaim, type CustomerClaim } from './owasp-fixtures';

/** Every property a customer may see, as key paths (`[]` for any array element). */
const CUSTOMER_PATHS = new Set([
  'claimId',
  'status',
  'claimToken',
  // Where the submission's token went: the acknowledgement mail to the address on file.
  'acknowledgement',
  // The correlation id of an error answer, also in X-Request-Id.
  'requestId',
  'links',
  'links.self',
  'reason',
  'channel',
  'submittedAt',
  'accountId',
  'requestIds',
  'requestIds[]',
  'transactionId',
  'invoiceNumber',
  'explanation',
  'policy',
  'policy.id',
  'policy.version',
  'decision',
  'decision.outcome',
  'decision.amountMinor',
  'decision.currency',
  'decision.remedy',
  'decision.reasons',
  'decision.reasons[]',
  'decision.reasons[].code',
  'decision.reasons[].clause',
  'decision.reasons[].message',
  'decision.reasons[].quote',
  'decision.reasons[].requestIds',
  'decision.reasons[].requestIds[]',
  'decision.arithmetic',
  'decision.arithmetic[]',
  'decision.findings',
  'decision.findings[]',
  'decision.findings[].requestId',
  'decision.findings[].verdict',
  'decision.findings[].refundableMinor',
  'decision.findings[].chargedMinor',
  'decision.decidedBy',
  'decision.decidedBy.type',
  'decision.policy',
  'decision.policy.id',
  'decision.policy.version',
  'decision.note',
  'deadlines',
  'deadlines[]',
  'deadlines[].kind',
  'deadlines[].dueAt',
  'deadlines[].businessDays',
  'deadlines[].clause',
  'deadlines[].state',
  'timeline',
  'timeline[]',
  'timeline[].at',
  'timeline[].type',
  'timeline[].from',
  'timeline[].to',
  'timeline[].why',
  'timeline[].actor',
  'timeline[].actor.type',
]);

/** The staff-only properties the customer view must leave out (the staff view of the same claim has them). */
const STAFF_ONLY = ['evidence', 'escalatedAt', 'escalationLevel', 'decision.decidedBy.id', 'timeline[].actor.id'];

/** The key paths of a JSON value. */
function keyPaths(value: unknown, prefix = ''): string[] {
  if (Array.isArray(value)) return [prefix, ...value.flatMap((v) => keyPaths(v, `${prefix}[]`))].filter(Boolean);
  if (value === null || typeof value !== 'object') return prefix ? [prefix] : [];
  return Object.entries(value).flatMap(([k, v]) => {
    const path = prefix ? `${prefix}.${k}` : k;
    return [path, ...keyPaths(v, path).filter((p) => p !== path)];
  });
}

let d: Desk;
let claim: CustomerClaim;
const customerAnswers: { what: string; body: unknown }[] = [];

/** A call with the claim token, its JSON answer kept for the allow-list check. */
async function asCustomer(what: string, method: string, path: string, body?: unknown) {
  const res = await d.call(method, path, { bearer: claim.claimToken, body });
  customerAnswers.push({ what, body: res.body });
  return res;
}

beforeAll(async () => {
  d = await startDesk();
  // A claim that travels the whole desk: review, an agent's question, the customer's reply, a lead's decision.
  claim = await customerClaim(d, 'in_review');
  await asCustomer('in review', 'GET', `/v1/claims/${claim.claimId}`);
  const asked = await d.call('POST', `/v1/cases/${claim.claimId}/request-info`, {
    bearer: KEYS.agent,
    body: { message: 'Which model did you call?' },
  });
  expect(asked.status).toBe(200);
  await waitForClaimStatus(d, claim.claimId, claim.claimToken, 'awaiting_customer');
  await asCustomer('awaiting the customer', 'GET', `/v1/claims/${claim.claimId}`);
  await asCustomer('reply', 'POST', `/v1/claims/${claim.claimId}/reply`, { message: 'The video model.' });
  await waitForStatus(d, claim.claimId, 'in_review');
  const decided = await d.call('POST', `/v1/cases/${claim.claimId}/decision`, {
    bearer: KEYS.lead,
    body: { outcome: 'partially_approved', amountMinor: 6000, remedy: 'credit', note: 'one of the two' },
  });
  expect(decided.status).toBe(200);
  await waitForClaimStatus(d, claim.claimId, claim.claimToken, 'closed');
  await asCustomer('closed', 'GET', `/v1/claims/${claim.claimId}`);
  await asCustomer('withdraw refused', 'POST', `/v1/claims/${claim.claimId}/withdraw`, {});
  const submitted = await d.call('POST', '/v1/claims', {
    body: { accountId: claim.accountId, reason: 'failed_request', requestIds: ['nope'], explanation: 'x' },
  });
  customerAnswers.push({ what: 'submission', body: submitted.body });
});

afterAll(async () => {
  await d?.close();
});

describe('API3: customer answers carry only customer properties', () => {
  it('keeps every customer answer inside the allow-list, in every state the claim passed through', () => {
    const outside = customerAnswers.flatMap(({ what, body }) =>
      keyPaths(body)
        .filter((p) => !CUSTOMER_PATHS.has(p) && !/^(error|details)\b/.test(p))
        .map((p) => `${what}: ${p}`),
    );
    expect(outside).toEqual([]);
    expect(customerAnswers.map((a) => a.what)).toHaveLength(6);
  });

  it('names no member of staff to the customer, while the staff view of the same claim does', async () => {
    const customer = JSON.stringify(customerAnswers.map((a) => a.body));
    expect(customer).not.toMatch(/it-(agent|lead|finance|operator)/);
    const staff = await d.call('GET', `/v1/claims/${claim.claimId}`, { bearer: KEYS.agent });
    const staffPaths = new Set(keyPaths(staff.body));
    for (const path of STAFF_ONLY) expect(staffPaths).toContain(path);
    expect(JSON.stringify(staff.body)).toMatch(/it-lead/);
  });

  it('shows the status page and sends the decision mail without staff names', async () => {
    const page = await (await fetch(`${d.desk.apiUrl}/claims/${claim.claimId}?token=${claim.claimToken}`)).text();
    expect(page).toContain('Decided by lead: partially_approved');
    expect(page).not.toMatch(/it-(agent|lead|finance|operator)/);
    const mail = await d.sink.waitFor((m) => m.to.includes(claim.email) && /Decision/.test(m.subject));
    expect(mail.text).toContain('staff lead set 6000');
    const mails = d.sink.messages().filter((m) => m.to.includes(claim.email));
    expect(mails.length).toBeGreaterThanOrEqual(3); // received, the agent's question, the decision
    for (const m of mails) expect(`${m.subject}\n${m.text}`).not.toMatch(/it-(agent|lead|finance|operator)/);
  });
});
