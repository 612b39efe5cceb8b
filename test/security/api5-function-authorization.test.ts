/**
 * OWASP API5:2023 (broken function-level authorization): the staff roles table in README.md as a matrix of every
 * route the app serves × every kind of caller. The route list comes from express itself, so a new route fails this
 * test until it gets a row below.
 */
import type { Client } from '@temporalio/client';
import { ulid } from 'ulid';
import { createDb } from '../../db';
import type { PolicyStore } from '../../db/policies';
import { createApp } from '../../server/app';
import { CONSOLE_PATH, HTML_CONSOLE } from '../../server/console';
import { createLogger } from '../../wiring/logger';
import { startDesk, type Desk } from '../integration/desk-harness';
import { expressRoutes } from '../operations/openapi-check';
import {
  customerClaim,
  PRINCIPALS,
  registerAdmin,
  staffKey,
  type CustomerClaim,
  type Principal,
} from './owasp-fixtures';

type Role = Exclude<Principal, 'anonymous' | 'customer'>;

/**
 * Who may call a route:
 * - `public`: anyone, credentials or not;
 * - `signed`: nobody by credentials; a processor's signature over the body is the only way in;
 * - `claimToken`: the customer holding the claim's token, nobody else (404, so a claim's existence is not told);
 * - `claimTokenOrStaff`: the claim's customer or any staff key;
 * - `statusPage`: the claim's token in the link's query string;
 * - `metricsGuard`: left to the API8 tests (behind a key or a separate port), so skipped here;
 * - `{ claimTokenOr }`: the claim's customer, or these staff roles (other roles 403, no credentials 401);
 * - a list of roles: those staff roles; other roles 403, no key or a claim token 401.
 */
type Access =
  | 'public'
  | 'signed'
  | 'claimToken'
  | 'claimTokenOrStaff'
  | 'statusPage'
  | 'metricsGuard'
  | { claimTokenOr: Role[] }
  | Role[];

const READERS: Role[] = ['agent', 'lead', 'finance', 'admin'];
const EVERY_ROLE: Role[] = ['agent', 'lead', 'finance', 'admin', 'operator'];
const FEEDERS: Role[] = ['admin', 'operator'];
const LEADS: Role[] = ['lead', 'admin'];
const FINANCE: Role[] = ['finance', 'admin'];

/** README.md "Staff roles", route by route. */
const MATRIX: Record<string, Access> = {
  'GET /healthz': 'public',
  'GET /metrics': 'metricsGuard',
  'GET /openapi.json': 'public',
  'GET /v1/policies': 'public',
  'GET /v1/policies/:policyId': 'public',
  'POST /v1/policies/:policyId/simulate': EVERY_ROLE,
  'PUT /v1/accounts/:accountId': FEEDERS,
  'GET /v1/accounts/:accountId': EVERY_ROLE,
  'POST /v1/usage/requests': FEEDERS,
  'POST /v1/usage/charges': FEEDERS,
  'POST /v1/usage/outages': FEEDERS,
  'GET /v1/accounts/:accountId/credits': EVERY_ROLE,
  'POST /v1/accounts/:accountId/credits/grants': FEEDERS,
  'POST /v1/accounts/:accountId/credits/consume': FEEDERS,
  'POST /v1/claims': 'public',
  'GET /v1/claims/:claimId': 'claimTokenOrStaff',
  'POST /v1/claims/:claimId/reply': 'claimToken',
  'POST /v1/claims/:claimId/withdraw': 'claimToken',
  'POST /v1/claims/:claimId/token/revoke': { claimTokenOr: READERS },
  'GET /claims/:claimId': 'statusPage',
  'GET /v1/cases': READERS,
  'GET /v1/cases/:claimId': READERS,
  'POST /v1/cases/:claimId/decision': LEADS,
  'POST /v1/cases/:claimId/attention': LEADS,
  'POST /v1/cases/:claimId/request-info': ['agent', 'lead', 'admin'],
  'POST /v1/cases/:claimId/payout-confirmation': FINANCE,
  'GET /v1/mail/unprocessable': ['agent', 'lead', 'admin'],
  'POST /v1/webhooks/stripe': 'signed',
  'POST /v1/chargebacks': FEEDERS,
  'GET /v1/chargebacks': EVERY_ROLE,
  'GET /v1/chargebacks/:chargebackId': EVERY_ROLE,
  'POST /v1/chargebacks/:chargebackId/accept': LEADS,
  'POST /v1/chargebacks/:chargebackId/contest': LEADS,
  'POST /v1/chargebacks/:chargebackId/confirm-submission': FINANCE,
  'POST /v1/chargebacks/:chargebackId/suspend': LEADS,
  'POST /v1/chargebacks/:chargebackId/reinstate': LEADS,
  'POST /v1/chargebacks/:chargebackId/terminate': LEADS,
};

/** The answer a caller who may not call the route gets, or undefined when it may. */
function denial(access: Access, who: Principal): number | undefined {
  if (access === 'public') return undefined;
  if (access === 'signed') return 400;
  if (access === 'claimToken' || access === 'statusPage') return who === 'customer' ? undefined : 404;
  if (access === 'claimTokenOrStaff') return who === 'anonymous' ? 401 : undefined;
  if (access === 'metricsGuard') throw new Error('/metrics is checked by the API8 tests');
  if ('claimTokenOr' in access) {
    if (who === 'anonymous') return 401;
    return who === 'customer' || access.claimTokenOr.includes(who) ? undefined : 403;
  }
  if (who === 'anonymous' || who === 'customer') return 401;
  return access.includes(who) ? undefined : 403;
}

function servedRoutes(): string[] {
  const app = createApp({
    db: createDb('postgres://unused@127.0.0.1:1/unused'),
    temporal: {} as Client,
    policies: {} as PolicyStore,
    logger: createLogger('silent'),
    taskQueue: 'unused',
    claimTokenSecret: 'unused-secret-0123456789',
  });
  return expressRoutes(app.router);
}

let d: Desk;
let claim: CustomerClaim;
/** The claim the revoking routes act on, so revoking does not end the main claim's token halfway through. */
let spare: CustomerClaim;

beforeAll(async () => {
  d = await startDesk();
  await registerAdmin(d);
  // A closed claim: every body below is empty, and a closed claim refuses a withdrawal anyway.
  [claim, spare] = await Promise.all([customerClaim(d, 'closed'), customerClaim(d, 'closed')]);
});

afterAll(async () => {
  await d?.close();
});

/** One call as `who`; path parameters point at the customer's closed claim and account, or at nothing that exists. */
async function callAs(route: string, who: Principal): Promise<number> {
  const [method, template] = route.split(' ') as [string, string];
  const target = /revoke/.test(route) ? spare : claim;
  const path = template
    .replace(':claimId', target.claimId)
    .replace(':accountId', target.accountId)
    .replace(':policyId', 'pixazo-api')
    .replace(':chargebackId', `cb_${ulid()}`);
  const query = route === 'GET /claims/:claimId' && who === 'customer' ? `?token=${target.claimToken}` : '';
  const bearer = who === 'anonymous' ? undefined : who === 'customer' ? target.claimToken : staffKey(who);
  const res = await fetch(`${d.desk.apiUrl}${path}${query}`, {
    method,
    headers: {
      ...(bearer && { authorization: `Bearer ${bearer}` }),
      ...(method !== 'GET' && { 'content-type': 'application/json' }),
    },
    body: method === 'GET' ? undefined : '{}',
  });
  await res.arrayBuffer();
  return res.status;
}

describe('API5: every route × every caller, as the roles table says', () => {
  it('has a row for every route express serves, and no row for a route it does not', () => {
    expect(Object.keys(MATRIX).sort()).toEqual([...new Set(servedRoutes())].sort());
  });

  it('lets each caller reach exactly the API routes its role allows', async () => {
    const wrong: string[] = [];
    for (const [route, access] of Object.entries(MATRIX)) {
      for (const who of PRINCIPALS) {
        if (access === 'metricsGuard') continue;
        const status = await callAs(route, who);
        const denied = denial(access, who);
        // A token route answers 404 to anyone without the token, so the one holding it must get past that too.
        const refusals = access === 'claimToken' || access === 'statusPage' ? [401, 403, 404] : [401, 403];
        const ok = denied === undefined ? !refusals.includes(status) && status < 500 : status === denied;
        if (!ok) wrong.push(`${route} as ${who}: ${status}, expected ${denied ?? 'allowed'}`);
      }
    }
    expect(wrong).toEqual([]);
  });
});

/**
 * The support console: the same roles, behind a session cookie and CSRF tokens. Operators cannot sign in (they feed
 * the ledger by API); without a session a page redirects to the sign-in and a form post fails its CSRF check.
 */
type ConsoleAccess = 'signedIn' | 'session' | Role[];

const CONSOLE_MATRIX: Record<string, ConsoleAccess> = {
  'GET /sign-in': 'session',
  'POST /sign-in': 'session',
  'POST /sign-out': 'session',
  'GET /': 'signedIn',
  'GET /queue': READERS,
  'GET /cases/:claimId': READERS,
  'POST /cases/:claimId/decision': LEADS,
  'POST /cases/:claimId/attention': LEADS,
  'POST /cases/:claimId/request-info': ['agent', 'lead', 'admin'],
  'POST /cases/:claimId/payout-confirmation': FINANCE,
  'POST /cases/:claimId/revoke-links': READERS,
  'GET /chargebacks/:chargebackId': READERS,
  'GET /chargebacks/:chargebackId/contest': LEADS,
  'POST /chargebacks/:chargebackId/contest': LEADS,
  'POST /chargebacks/:chargebackId/accept': LEADS,
  'POST /chargebacks/:chargebackId/confirm-submission': FINANCE,
  'POST /chargebacks/:chargebackId/reinstate': LEADS,
  'POST /chargebacks/:chargebackId/terminate': LEADS,
  'GET /mail/unprocessable': ['agent', 'lead', 'admin'],
  'GET /policies': 'signedIn',
  'GET /policies/:policyId': 'signedIn',
  'POST /policies/:policyId/simulate': READERS,
};

interface RouterLayer {
  route?: { path: string; methods: Record<string, boolean> };
  handle: { stack?: RouterLayer[] } & Record<symbol, unknown>;
}

/** `METHOD /path` of every page the console router serves (its routers are all mounted at its root). */
function consoleRoutes(): string[] {
  const app = createApp({
    db: createDb('postgres://unused@127.0.0.1:1/unused'),
    temporal: {} as Client,
    policies: {} as PolicyStore,
    logger: createLogger('silent'),
    taskQueue: 'unused',
    claimTokenSecret: 'unused-secret-0123456789',
  });
  const top = (app.router as unknown as { stack: RouterLayer[] }).stack;
  const console = top.find((l) => l.handle[HTML_CONSOLE] === true)!;
  const routes: string[] = [];
  const walk = (stack: RouterLayer[]) => {
    for (const layer of stack) {
      if (layer.route) {
        for (const [method, on] of Object.entries(layer.route.methods))
          if (on && method !== '_all') routes.push(`${method.toUpperCase()} ${layer.route.path}`);
      } else if (layer.handle.stack) walk(layer.handle.stack);
    }
  };
  walk(console.handle.stack!);
  return routes;
}

/** A console session for a staff key, signed in through the form: its cookie and a CSRF token for posts. */
async function consoleSession(key: string): Promise<{ cookie: string; csrf: string } | undefined> {
  const base = `${d.desk.apiUrl}${CONSOLE_PATH}`;
  const form = await fetch(`${base}/sign-in`);
  const first = form.headers.get('set-cookie')!.split(';')[0]!;
  const csrf = /name="_csrf" value="([^"]+)"/.exec(await form.text())![1]!;
  const res = await fetch(`${base}/sign-in`, {
    method: 'POST',
    redirect: 'manual',
    headers: { cookie: first, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ _csrf: csrf, key }),
  });
  await res.arrayBuffer();
  if (res.status !== 303) return undefined;
  const cookie = res.headers.get('set-cookie')!.split(';')[0]!;
  const page = await (await fetch(`${base}/policies`, { headers: { cookie } })).text();
  return { cookie, csrf: /name="_csrf" value="([^"]+)"/.exec(page)![1]! };
}

describe('API5: every console page × every caller', () => {
  it('has a row for every page the console serves', () => {
    expect(Object.keys(CONSOLE_MATRIX).sort()).toEqual([...new Set(consoleRoutes())].sort());
  });

  it('lets each role open and post exactly what its role allows, and nobody without a session', async () => {
    const sessions = new Map<Principal, { cookie: string; csrf: string } | undefined>();
    for (const who of PRINCIPALS)
      sessions.set(who, who === 'anonymous' || who === 'customer' ? undefined : await consoleSession(staffKey(who)));
    expect(sessions.get('operator')).toBeUndefined();
    const wrong: string[] = [];
    for (const [route, access] of Object.entries(CONSOLE_MATRIX)) {
      if (access === 'session') continue; // sign-in and sign-out: test/console/console.test.ts
      const [method, template] = route.split(' ') as [string, string];
      const path = template
        .replace(':claimId', (/revoke/.test(route) ? spare : claim).claimId)
        .replace(':policyId', 'pixazo-api')
        .replace(':chargebackId', `cb_${ulid()}`);
      for (const who of PRINCIPALS) {
        const session = sessions.get(who);
        const res = await fetch(`${d.desk.apiUrl}${CONSOLE_PATH}${path}`, {
          method,
          redirect: 'manual',
          headers: {
            ...(session && { cookie: session.cookie, 'x-csrf-token': session.csrf }),
            ...(who === 'customer' && { authorization: `Bearer ${claim.claimToken}` }),
            ...(method === 'POST' && { 'content-type': 'application/x-www-form-urlencoded' }),
          },
          body: method === 'POST' ? '' : undefined,
        });
        await res.arrayBuffer();
        const toSignIn = res.status === 303 && res.headers.get('location') === '/console/sign-in';
        const allowed = session !== undefined && (access === 'signedIn' || access.includes(who as Role));
        const ok = !session
          ? (method === 'GET' && toSignIn) || (method === 'POST' && res.status === 403)
          : allowed
            ? res.status !== 403 && !toSignIn && res.status < 500
            : res.status === 403;
        if (!ok) wrong.push(`${route} as ${who}: ${res.status}, expected ${allowed ? 'allowed' : 'refused'}`);
      }
    }
    expect(wrong).toEqual([]);
  });
});
