import { z } from 'zod';
import { MailQueueQuery, QueuedMail } from '../../schemas-mail';
import type { RouteDoc } from '../route-doc';

/** The email channel's staff side. */
export const mailDocs: RouteDoc[] = [
  {
    method: 'get',
    path: '/v1/mail/unprocessable',
    summary: 'Inbound mail that could not be processed, oldest first, each with the reason',
    auth: 'staff',
    query: MailQueueQuery,
    responses: { 200: { description: 'the queue', schema: z.strictObject({ mails: z.array(QueuedMail) }) } },
    errors: [400, 401, 403],
  },
];
