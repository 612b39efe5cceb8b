import type { RequestHandler } from 'express';
import session from 'express-session';
import type { Db } from '../../db';
import { consoleSessionStore } from '../../db/console-sessions';
import { findStaffKey } from '../../db/staff-keys';
import { STAFF_ROLES, type StaffPrincipal, type StaffRole } from '../auth';
import { HttpError } from '../errors';

declare module 'express-session' {
  interface SessionData {
    /** The signed-in person's staff key, by hash; the key itself is never stored. */
    staffKeyHash?: string;
    /** One message shown on the next page: the result of the last action. */
    flash?: { kind: 'ok' | 'error'; text: string };
  }
}

/** The cookie name; its path is /console so the JSON API never sees it. */
export const SESSION_COOKIE = 'rd_console';
const SESSION_HOURS = 8;

/** Sessions in PostgreSQL; the cookie is httpOnly, SameSite=Strict, Secure over HTTPS, and scoped to /console. */
export function consoleSession(db: Db, sessionSecret: string) {
  const store = consoleSessionStore(db);
  const middleware = session({
    store,
    name: SESSION_COOKIE,
    // Its own secret (CONSOLE_SESSION_SECRET), so rotating the claim-token secret signs nobody out and vice versa.
    secret: sessionSecret,
    resave: false,
    saveUninitialized: false,
    rolling: true,
    cookie: { path: '/console', httpOnly: true, sameSite: 'strict', secure: 'auto', maxAge: SESSION_HOURS * 3_600_000 },
  });
  return { middleware, close: () => store.close() };
}

/** The person behind the session, read fresh from staff_keys on every request; anyone else goes to sign in. */
export function signedIn(db: Db): RequestHandler {
  return async (req, res, next) => {
    const hash = req.session.staffKeyHash;
    // Read fresh each time, so a revoked or re-roled key takes effect at once.
    const staff = hash ? await findStaffKey(db, hash) : undefined;
    if (!staff || !isConsoleRole(staff.role)) {
      if (hash) await new Promise<void>((resolve) => req.session.destroy(() => resolve()));
      res.redirect(303, '/console/sign-in');
      return;
    }
    res.locals.staff = { kind: 'staff', name: staff.name, role: staff.role } satisfies StaffPrincipal;
    next();
  };
}

/** Operators feed the ledger by API; the console is for the people who work on cases. */
export const CONSOLE_ROLES: readonly StaffRole[] = ['agent', 'lead', 'finance', 'admin'];

export function isConsoleRole(role: string): role is StaffRole {
  return (STAFF_ROLES as readonly string[]).includes(role) && CONSOLE_ROLES.includes(role as StaffRole);
}

/** The same role lists as the API's routes; the console hides what a role may not do, and this refuses it anyway. */
export function requireRole(roles: readonly StaffRole[]): RequestHandler {
  return (_req, res, next) => {
    const staff = res.locals.staff as StaffPrincipal;
    if (!roles.includes(staff.role))
      throw new HttpError(403, `role ${staff.role} may not do this; allowed: ${roles.join(', ')}`);
    next();
  };
}

/** Whether this person may take an action with these roles; used to hide what they may not do. */
export function may(staff: StaffPrincipal, roles: readonly StaffRole[]): boolean {
  return roles.includes(staff.role);
}
