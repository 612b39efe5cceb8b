import { z } from 'zod';

/** Query of the unprocessable-mail queue. */
export const MailQueueQuery = z.object({ limit: z.coerce.number().int().min(1).max(500).default(100) }).strict();

/** One message in the unprocessable-mail queue. */
export const QueuedMail = z.strictObject({
  mailId: z.string(),
  receivedAt: z.string(),
  from: z.string(),
  to: z.array(z.string()),
  size: z.number().int(),
  reason: z.string().nullable(),
  subject: z.string().nullable(),
});
