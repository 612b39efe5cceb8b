import type { Queryable } from './index';

/** Claims stored while Temporal was unreachable: still `received`, with no event after submission. */
export async function listUnstartedClaims(db: Queryable): Promise<string[]> {
  const { rows } = await db.query<{ id: string }>(
    `SELECT id FROM claims c WHERE status = 'received'
        AND NOT EXISTS (SELECT 1 FROM claim_events e WHERE e.claim_id = c.id AND e.event_key <> 'submitted')`,
  );
  return rows.map((r) => r.id);
}
