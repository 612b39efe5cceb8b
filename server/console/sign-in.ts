import { Router } from 'express';
import { z } from 'zod';
import type { Db } from '../../db';
import { findStaff, hashKey } from '../auth';
import type { Logger } from 'pino';
import { html } from './html';
import { csrfField, page } from './layout';
import { CONSOLE_ROLES, isConsoleRole, SESSION_COOKIE } from './session';

const SignInBody = z.object({ key: z.string().trim().min(1).max(500) });

function signInPage(csrf: string, error?: string) {
  return page(
    { title: 'Sign in', csrfToken: csrf, flash: error ? { kind: 'error', text: error } : undefined },
    html`<section class="sign-in"><h1>Sign in to the support console</h1>
<form method="post" action="/console/sign-in" hx-boost="false">
  ${csrfField(csrf)}
  <label for="key">Staff key</label>
  <input id="key" name="key" type="password" autocomplete="current-password" required>
  <button type="submit">Sign in</button>
</form>
<p class="hint">Use the key you use with the API. The console is for ${CONSOLE_ROLES.join(', ')}.</p></section>`,
  );
}

/** Sign-in with a staff key (a new session id, so a planted one is worthless) and sign-out (the session row is deleted). */
export function signInRoutes(db: Db, logger: Logger): Router {
  const router = Router();
  router.get('/sign-in', (req, res) => {
    res.type('html').send(String(signInPage(req.csrfToken!())));
  });
  router.post('/sign-in', async (req, res) => {
    const parsed = SignInBody.safeParse(req.body);
    const staff = parsed.success ? await findStaff(db, parsed.data.key) : undefined;
    if (!staff || !isConsoleRole(staff.role)) {
      const why = staff ? `a ${staff.role} key does not open the console` : 'that staff key is not known';
      logger.warn({ role: staff?.role }, 'console sign-in refused');
      res
        .status(401)
        .type('html')
        .send(String(signInPage(req.csrfToken!(), `Sign-in refused: ${why}.`)));
      return;
    }
    await new Promise<void>((resolve, reject) => req.session.regenerate((err) => (err ? reject(err) : resolve())));
    req.session.staffKeyHash = hashKey(parsed.data!.key);
    await new Promise<void>((resolve, reject) => req.session.save((err) => (err ? reject(err) : resolve())));
    logger.info({ staff: `${staff.role}:${staff.name}` }, 'console sign-in');
    res.redirect(303, '/console/queue');
  });
  router.post('/sign-out', async (req, res) => {
    await new Promise<void>((resolve, reject) => req.session.destroy((err) => (err ? reject(err) : resolve())));
    res.clearCookie(SESSION_COOKIE, { path: '/console' });
    res.redirect(303, '/console/sign-in');
  });
  return router;
}
