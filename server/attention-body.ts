import { z } from 'zod';
import { ATTENTION_ACTIONS } from '../common/unfixable';

/** `retry`: start the claim again once the cause is fixed; `close`: end it without a remedy. Both need a why. */
export const AttentionBody = z
  .object({
    action: z.enum(ATTENTION_ACTIONS),
    why: z.string().trim().min(1).max(2_000),
  })
  .strict();
