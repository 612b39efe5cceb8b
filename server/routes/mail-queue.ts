import { Router } from 'express';
import type { Db } from '../../db';
import { listUnprocessableMails } from '../../db/mail';
import { requireStaff } from '../auth';
import { MailQueueQuery } from '../schemas-mail';

/** Who may read the queue of unprocessable mail (the console's page allows the same roles). */
export const MAIL_QUEUE_ROLES = ['agent', 'lead', 'admin'] as const;

/** The staff queue of inbound mail that could not be processed, each with its reason. */
export function mailQueueRoutes(db: Db): Router {
  const router = Router();
  router.get('/v1/mail/unprocessable', requireStaff(db, MAIL_QUEUE_ROLES), async (req, res) => {
    const { limit } = MailQueueQuery.parse(req.query);
    res.json({ mails: await listUnprocessableMails(db, limit) });
  });
  return router;
}
