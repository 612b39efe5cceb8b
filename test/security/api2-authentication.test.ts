import crypto, { createHash, createHmac } from 'node:crypto';
import { checkClaimToken } from '../../server/claim-token';
import { replySecrets } from '../../activities/mail-settings';
import { claimToken, readClaimToken, type ClaimTokenKeys } from '../../domain/claim-token';
import { claimReplyAddress, readReplyAddress } from '../../domain/email/reply-address';
import { KEYS, startDesk, type Desk } from '../integration/desk-harness';
import { accountWithFailedCalls, raw, submitClaim } from './security-harness';

/** OWASP API2:2023 broken authentication: bearer parsing, staff key storage, sessions, claim tokens. */
const OLD_SECRET = 'api2-old-claim-token-secret-0123456789abcdef';
const NEW_SECRET = 'api2-new-claim-token-secret-0123456789abcdef';
const SESSION_SECRET = 'api2-console-session-secret-0123456789abcdef';

let d: Desk;

beforeAll(async () => {
  d = await startDesk({ CLAIM_TOKEN_SECRET: OLD_SECRET, CONSOLE_SESSION_SECRET: SESSION_SECRET });
});

afterAll(async () => {
  await d?.close();
});

/** Signs in to the console through its form, as a browser would; the answer carries the session cookie. */
async function consoleSignIn(key: string): Promise<Response> {
  const form = await raw(d, 'GET', '/console/sign-in');
  const before = form.headers.getSetCookie().map((c) => c.split(';')[0]!);
  const csrf = /name="_csrf" value="([^"]+)"/.exec(await form.text())![1]!;
  return fetch(`${d.desk.apiUrl}/console/sign-in`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: before.join('; ') },
    body: new URLSearchParams({ key, _csrf: csrf }).toString(),
    redirect: 'manual',
  });
}

describe('bearer credentials are parsed strictly', () => {
  const cases = (authorization: string) => raw(d, 'GET', '/v1/cases', { headers: { authorization } });

  it('takes exactly "Bearer <token>" (the scheme in any case, as RFC 7235 says)', async () => {
    expect((await cases(`Bearer ${KEYS.agent}`)).status).toBe(200);
    expect((await cases(`bearer ${KEYS.agent}`)).status).toBe(200);
  });

  it.each([
    ['two spaces', `Bearer  ${KEYS.agent}`],
    ['a trailing word', `Bearer ${KEYS.agent} extra`],
    ['no token', 'Bearer'],
    ['another scheme', `Basic ${Buffer.from(`x:${KEYS.agent}`).toString('base64')}`],
    ['the key without a scheme', KEYS.agent],
    ['characters outside b64token', `Bearer ${KEYS.agent},${KEYS.lead}`],
  ])('refuses %s with 401', async (_what, header) => {
    const res = await cases(header);
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ error: expect.any(String), requestId: expect.any(String) });
  });

  it('does not fall back to X-Api-Key when the Authorization header is malformed', async () => {
    const res = await raw(d, 'GET', '/v1/cases', { headers: { authorization: 'Bearer', 'x-api-key': KEYS.agent } });
    expect(res.status).toBe(401);
    expect((await raw(d, 'GET', '/v1/cases', { headers: { 'x-api-key': KEYS.agent } })).status).toBe(200);
  });
});

describe('staff keys and console sessions', () => {
  it('stores staff keys as SHA-256 hashes only', async () => {
    const { rows } = await d.db.query('SELECT * FROM staff_keys');
    const stored = JSON.stringify(rows);
    for (const key of Object.values(KEYS)) {
      expect(stored).not.toContain(key);
      expect(stored).toContain(createHash('sha256').update(key).digest('hex'));
    }
  });

  it('signs the console session cookie with its own secret: httpOnly, SameSite=Strict, scoped to /console', async () => {
    const signIn = await consoleSignIn(KEYS.lead);
    expect(signIn.status).toBe(303);
    const cookie = signIn.headers.getSetCookie().find((c) => c.startsWith('rd_console='))!;
    expect(cookie).toMatch(/; Path=\/console/);
    expect(cookie).toMatch(/; HttpOnly/);
    expect(cookie).toMatch(/; SameSite=Strict/);
    const value = decodeURIComponent(cookie.split(';')[0]!.slice('rd_console='.length));
    const [sid, signature] = value.slice('s:'.length).split('.');
    const expected = createHmac('sha256', SESSION_SECRET).update(sid!).digest('base64').replace(/=+$/, '');
    expect(signature).toBe(expected);
    const { rows } = await d.db.query<{ sess: object }>('SELECT sess FROM console_sessions WHERE sid = $1', [sid]);
    expect(JSON.stringify(rows[0]!.sess)).not.toContain(KEYS.lead);
  });
});

describe('claim tokens expire, can be revoked and survive a secret rotation for a grace window', () => {
  it('refuses a token past its lifetime (90 days by default) and one issued in the future', async () => {
    const claim = await submitClaim(d, await accountWithFailedCalls(d));
    const read = (token: string) => d.call('GET', `/v1/claims/${claim.claimId}`, { bearer: token });
    expect((await read(claim.claimToken)).status).toBe(200);
    const at = (daysAgo: number) => new Date(Date.now() - daysAgo * 86_400_000);
    expect((await read(claimToken(OLD_SECRET, claim.claimId, at(89)))).status).toBe(200);
    expect((await read(claimToken(OLD_SECRET, claim.claimId, at(91)))).status).toBe(404);
    expect((await read(claimToken(OLD_SECRET, claim.claimId, at(-1)))).status).toBe(404);
    // The status page linked from mails checks the same way.
    const page = await raw(d, 'GET', `/claims/${claim.claimId}?token=${claimToken(OLD_SECRET, claim.claimId, at(91))}`);
    expect(page.status).toBe(404);
  });

  it('takes a token from before tokens carried their issue time as issued at submission', async () => {
    const claim = await submitClaim(d, await accountWithFailedCalls(d));
    const legacy = `ct_${createHmac('sha256', OLD_SECRET).update(claim.claimId).digest('base64url')}`;
    expect((await d.call('GET', `/v1/claims/${claim.claimId}`, { bearer: legacy })).status).toBe(200);
    await d.db.query(`UPDATE claims SET submitted_at = now() - interval '91 days' WHERE id = $1`, [claim.claimId]);
    expect((await d.call('GET', `/v1/claims/${claim.claimId}`, { bearer: legacy })).status).toBe(404);
  });

  it('lets the customer revoke every token so far and get a fresh one, logged on the timeline', async () => {
    const claim = await submitClaim(d, await accountWithFailedCalls(d));
    const revoke = await d.call('POST', `/v1/claims/${claim.claimId}/token/revoke`, {
      bearer: claim.claimToken,
      body: { reason: 'I forwarded the mail by mistake' },
    });
    expect(revoke.status).toBe(200);
    expect(revoke.body).toEqual({
      claimId: claim.claimId,
      revokedBefore: expect.any(String),
      claimToken: expect.stringMatching(/^ct_/),
    });
    expect((await d.call('GET', `/v1/claims/${claim.claimId}`, { bearer: claim.claimToken })).status).toBe(404);
    expect((await raw(d, 'GET', `/claims/${claim.claimId}?token=${claim.claimToken}`)).status).toBe(404);
    const withdraw = await d.call('POST', `/v1/claims/${claim.claimId}/withdraw`, {
      bearer: claim.claimToken,
      body: {},
    });
    expect(withdraw.status).toBe(404);
    const fresh = await d.call('GET', `/v1/claims/${claim.claimId}`, { bearer: revoke.body.claimToken });
    expect(fresh.status).toBe(200);
    const { rows } = await d.db.query(
      `SELECT actor_type, why FROM claim_events WHERE claim_id = $1 AND type = 'tokens_revoked'`,
      [claim.claimId],
    );
    expect(rows).toEqual([{ actor_type: 'customer', why: expect.stringContaining('forwarded the mail') }]);
  });

  it('lets staff revoke (but not the operator), without handing them a customer token', async () => {
    const claim = await submitClaim(d, await accountWithFailedCalls(d));
    const path = `/v1/claims/${claim.claimId}/token/revoke`;
    expect((await d.call('POST', path, { bearer: KEYS.operator, body: {} })).status).toBe(403);
    expect((await d.call('GET', `/v1/claims/${claim.claimId}`, { bearer: claim.claimToken })).status).toBe(200);
    const byAgent = await d.call('POST', path, { bearer: KEYS.agent, body: { reason: 'customer asked by phone' } });
    expect(byAgent.status).toBe(200);
    expect(byAgent.body.claimToken).toBeUndefined();
    expect((await d.call('GET', `/v1/claims/${claim.claimId}`, { bearer: claim.claimToken })).status).toBe(404);
    expect((await d.call('POST', path, { body: {} })).status).toBe(401);
  });

  it("lets a console user revoke the customer's links from the case page", async () => {
    const claim = await submitClaim(d, await accountWithFailedCalls(d));
    const signIn = await consoleSignIn(KEYS.agent);
    const cookie = signIn.headers
      .getSetCookie()
      .find((c) => c.startsWith('rd_console='))!
      .split(';')[0]!;
    const page = await raw(d, 'GET', `/console/cases/${claim.claimId}`, { headers: { cookie } });
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain(`action="/console/cases/${claim.claimId}/revoke-links"`);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(html)![1]!;
    const revoke = await fetch(`${d.desk.apiUrl}/console/cases/${claim.claimId}/revoke-links`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
      body: new URLSearchParams({ reason: 'link posted in a public forum', _csrf: csrf }).toString(),
      redirect: 'manual',
    });
    expect(revoke.status).toBe(303);
    expect((await d.call('GET', `/v1/claims/${claim.claimId}`, { bearer: claim.claimToken })).status).toBe(404);
    const { rows } = await d.db.query(
      `SELECT actor_id, why FROM claim_events WHERE claim_id = $1 AND type = 'tokens_revoked'`,
      [claim.claimId],
    );
    expect(rows).toEqual([{ actor_id: 'agent:it-agent', why: expect.stringContaining('public forum') }]);
  });

  it('accepts tokens of the previous secret during the grace window after a rotation, then refuses them', async () => {
    const claim = await submitClaim(d, await accountWithFailedCalls(d));
    const until = new Date(Date.now() + 3_600_000);
    const rotated = await startDesk({
      CLAIM_TOKEN_SECRET: NEW_SECRET,
      CLAIM_TOKEN_PREVIOUS_SECRETS: OLD_SECRET,
      CLAIM_TOKEN_PREVIOUS_UNTIL: until.toISOString(),
    });
    try {
      const read = (token: string) => rotated.call('GET', `/v1/claims/${claim.claimId}`, { bearer: token });
      expect((await read(claim.claimToken)).status).toBe(200);
      expect((await read(claimToken(NEW_SECRET, claim.claimId))).status).toBe(200);
      // New tokens are signed with the new secret only.
      const again = await rotated.call('POST', `/v1/claims/${claim.claimId}/token/revoke`, {
        bearer: claim.claimToken,
      });
      expect(readClaimToken(NEW_SECRET, claim.claimId, again.body.claimToken).ok).toBe(true);
      expect(readClaimToken(OLD_SECRET, claim.claimId, again.body.claimToken).ok).toBe(false);
    } finally {
      await rotated.close();
    }
    const keys: ClaimTokenKeys = {
      current: NEW_SECRET,
      previous: [OLD_SECRET],
      previousUntil: until,
      lifetimeMs: 86_400_000,
    };
    const oldToken = claimToken(OLD_SECRET, claim.claimId);
    const inGrace = await checkClaimToken(d.db, keys, claim.claimId, oldToken, new Date(until.getTime() - 1000));
    expect(inGrace).toEqual({ ok: true });
    const after = await checkClaimToken(d.db, keys, claim.claimId, oldToken, new Date(until.getTime() + 1000));
    expect(after).toEqual({ ok: false, why: 'signature' });
    // Without the previous secret configured at all, the old tokens are refused at once.
    const noGrace = await startDesk({ CLAIM_TOKEN_SECRET: NEW_SECRET });
    try {
      const res = await noGrace.call('GET', `/v1/claims/${claim.claimId}`, { bearer: oldToken });
      expect(res.status).toBe(404);
    } finally {
      await noGrace.close();
    }
  });

  it('reads reply addresses of mails sent before a rotation until the grace window ends (replies keep threading)', () => {
    const claimId = 'clm_01JABCDEFGHJKMNPQRSTVWXYZ0';
    const oldAddress = claimReplyAddress(OLD_SECRET, 'refunds@pixazo-api.example', claimId);
    const until = new Date(Date.now() + 3_600_000);
    const settings = {
      tokenSecret: NEW_SECRET,
      previousTokenSecrets: { secrets: [OLD_SECRET], until },
    };
    expect(readReplyAddress(replySecrets(settings), oldAddress)).toEqual({ kind: 'claim', claimId });
    const after = replySecrets(settings, new Date(until.getTime() + 1000));
    expect(after).toEqual([NEW_SECRET]);
    expect(readReplyAddress(after, oldAddress)).toBeNull();
  });

  it('compares signatures in constant time (crypto.timingSafeEqual), also for a forged token of the right shape', () => {
    const spy = jest.spyOn(crypto, 'timingSafeEqual');
    try {
      const forged = claimToken('a forged secret that nobody configured', 'clm_01JABCDEFGHJKMNPQRSTVWXYZ0');
      expect(readClaimToken(OLD_SECRET, 'clm_01JABCDEFGHJKMNPQRSTVWXYZ0', forged)).toEqual({
        ok: false,
        why: 'signature',
      });
      expect(spy).toHaveBeenCalled();
    } finally {
      spy.mockRestore();
    }
  });
});
