import type { Queryable } from './index';

/** One key's count in its current fixed window. */
export interface RateLimitCount {
  hits: number;
  windowEnd: Date;
}

/** Counts one hit atomically (the row lock serialises concurrent requests); a finished window starts over at 1. */
export async function hitRateLimit(db: Queryable, key: string, windowMs: number): Promise<RateLimitCount> {
  const { rows } = await db.query<{ hits: number; window_end: Date }>(
    `INSERT INTO rate_limit_hits (key, window_end, hits)
     VALUES ($1, clock_timestamp() + $2 * interval '1 millisecond', 1)
     ON CONFLICT (key) DO UPDATE SET
       hits = CASE WHEN rate_limit_hits.window_end <= clock_timestamp() THEN 1 ELSE rate_limit_hits.hits + 1 END,
       window_end = CASE WHEN rate_limit_hits.window_end <= clock_timestamp()
                         THEN EXCLUDED.window_end ELSE rate_limit_hits.window_end END
     RETURNING hits, window_end`,
    [key, windowMs],
  );
  const row = rows[0]!;
  return { hits: row.hits, windowEnd: row.window_end };
}

/** Takes back one hit (express-rate-limit's skipSuccessfulRequests / skipFailedRequests). */
export async function unhitRateLimit(db: Queryable, key: string): Promise<void> {
  await db.query('UPDATE rate_limit_hits SET hits = GREATEST(hits - 1, 0) WHERE key = $1', [key]);
}

export async function resetRateLimit(db: Queryable, key: string): Promise<void> {
  await db.query('DELETE FROM rate_limit_hits WHERE key = $1', [key]);
}

/** Drops windows that ended, so the table holds only live counters. */
export async function pruneRateLimits(db: Queryable): Promise<void> {
  await db.query('DELETE FROM rate_limit_hits WHERE window_end < clock_timestamp()');
}
