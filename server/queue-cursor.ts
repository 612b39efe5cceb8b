import { z } from 'zod';
import { DUE_KEY_PATTERN, type QueuePosition } from '../db/queue-keyset';

/** What a cursor carries inside its opaque wrapping: the last row's due time and id. */
const Position = z.strictObject({
  d: z.string().regex(DUE_KEY_PATTERN).nullable(),
  i: z.string().regex(/^[A-Za-z0-9_-]{1,120}$/),
});

/** An opaque cursor for the next page: base64url JSON, so callers pass it back and never build one. */
export function encodeCursor(position: QueuePosition): string {
  return Buffer.from(JSON.stringify({ d: position.dueKey, i: position.id })).toString('base64url');
}

function decode(cursor: string): QueuePosition | undefined {
  try {
    const parsed = Position.safeParse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')));
    return parsed.success ? { dueKey: parsed.data.d, id: parsed.data.i } : undefined;
  } catch {
    return undefined;
  }
}

/** A `cursor` query parameter: a cursor this server issued, or a 400 in plain words. */
export const CursorParam = z
  .string()
  .max(400)
  .transform((cursor, ctx) => {
    const position = decode(cursor);
    if (!position) ctx.addIssue({ code: 'custom', message: 'not a cursor this server issued; pass back `next` as is' });
    return position ?? z.NEVER;
  })
  .describe('the `next` cursor of the previous page, passed back as is');
