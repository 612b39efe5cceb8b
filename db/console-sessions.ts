import connectPgSimple from 'connect-pg-simple';
import session from 'express-session';
import type { Db, Queryable } from './index';

/** The table migration 009 creates for console sessions. */
const SESSION_TABLE = 'console_sessions';
const PRUNE_EVERY_SECONDS = 15 * 60;

/** Console sessions stored in PostgreSQL on the app's own pool; close() stops the expiry sweep. */
export function consoleSessionStore(db: Db): connectPgSimple.PGStore {
  const PgStore = connectPgSimple(session);
  return new PgStore({
    pool: db,
    tableName: SESSION_TABLE,
    createTableIfMissing: false,
    pruneSessionInterval: PRUNE_EVERY_SECONDS,
  });
}

/** How many live sessions there are; tests use it to see a sign-out end one. */
export async function countConsoleSessions(db: Queryable, sid: string): Promise<number> {
  const { rows } = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM ${SESSION_TABLE} WHERE sid = $1 AND expire > now()`,
    [sid],
  );
  return rows[0]?.n ?? 0;
}
