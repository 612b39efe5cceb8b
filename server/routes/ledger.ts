import { Router } from 'express';
import type { Db } from '../../db';
import { importCharges, importOutages, importUsageRequests, type ImportResult } from '../../db/ledger-import';
import type { PolicyStore } from '../../db/policies';
import { requireStaff } from '../auth';
import { HttpError } from '../errors';
import { AccountBody, ChargeBatch, OutageBatch, UsageRequestBatch } from '../schemas';

const FEEDERS = ['operator', 'admin'] as const;

/** Postgres foreign-key violation: a record names an account the platform never fed in. */
async function refuseUnknownAccounts(work: () => Promise<ImportResult>): Promise<ImportResult> {
  try {
    return await work();
  } catch (err) {
    if ((err as { code?: string }).code === '23503') {
      throw new HttpError(422, `a record names an unknown account; PUT /v1/accounts/:accountId first (${(err as Error).message})`);
    }
    throw err;
  }
}

/** How the platform feeds Refund Desk its accounts and usage ledger. */
export function ledgerRoutes(db: Db, policies: PolicyStore): Router {
  const router = Router();
  const feeder = requireStaff(db, FEEDERS);

  router.put('/v1/accounts/:accountId', feeder, async (req, res) => {
    const body = AccountBody.parse(req.body);
    if (!policies.current(body.policyId)) throw new HttpError(422, `unknown policyId ${body.policyId}`);
    const { rows } = await db.query<{ inserted: boolean }>(
      `INSERT INTO accounts (id, email, policy_id, status, currency) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (id) DO UPDATE SET email = EXCLUDED.email, policy_id = EXCLUDED.policy_id, status = EXCLUDED.status,
                                      currency = EXCLUDED.currency, updated_at = now()
       RETURNING (xmax = 0) AS inserted`,
      [req.params.accountId, body.email, body.policyId, body.status, body.currency],
    );
    res.status(rows[0]?.inserted ? 201 : 200).json({ id: req.params.accountId, ...body });
  });

  router.post('/v1/usage/requests', feeder, async (req, res) => {
    const { records } = UsageRequestBatch.parse(req.body);
    res.json(await refuseUnknownAccounts(() => importUsageRequests(db, records)));
  });

  router.post('/v1/usage/charges', feeder, async (req, res) => {
    const { records } = ChargeBatch.parse(req.body);
    res.json(await refuseUnknownAccounts(() => importCharges(db, records)));
  });

  router.post('/v1/usage/outages', feeder, async (req, res) => {
    const { records } = OutageBatch.parse(req.body);
    res.json(await importOutages(db, records));
  });

  return router;
}
