import { Router } from 'express';
import type { Db } from '../../db';
import { getAccountView } from '../../db/account-status';
import { requireStaff, STAFF_ROLES } from '../auth';
import { HttpError } from '../errors';
import { pathParam } from '../schemas';

/** An account's status, why it has it, the chargeback behind it, and any credits on hold. */
export function accountRoutes(db: Db): Router {
  const router = Router();
  router.get('/v1/accounts/:accountId', requireStaff(db, STAFF_ROLES), async (req, res) => {
    const account = await getAccountView(db, pathParam(req.params, 'accountId'));
    if (!account) throw new HttpError(404, 'no such account');
    res.json(account);
  });
  return router;
}
