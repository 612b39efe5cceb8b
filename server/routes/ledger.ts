import { Router } from 'express';
import { withTransaction, type Db } from '../../db';
import { saveAccount } from '../../db/accounts';
import { forfeitCredits } from '../../db/credits';
import { importLedgerRecords, LedgerBatchRefused, type ImportResult } from '../../db/ledger-import';
import type { PolicyStore } from '../../db/policies';
import { requireStaff, staffActor, type StaffPrincipal } from '../auth';
import { HttpError } from '../errors';
import { AccountBody, ChargeBatch, OutageBatch, pathParam, UsageRequestBatch } from '../schemas';

const FEEDERS = ['operator', 'admin'] as const;

/** A refused batch is the caller's to fix: say which record and why. */
async function refusedAs422(work: () => Promise<ImportResult>): Promise<ImportResult> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof LedgerBatchRefused) throw new HttpError(422, `nothing was stored: ${err.message}`);
    throw err;
  }
}

/** How the platform feeds Refund Desk its accounts and usage ledger. */
export function ledgerRoutes(db: Db, policies: PolicyStore): Router {
  const router = Router();
  const feeder = requireStaff(db, FEEDERS);

  router.put('/v1/accounts/:accountId', feeder, async (req, res) => {
    const body = AccountBody.parse(req.body);
    const policy = policies.current(body.policyId);
    if (!policy) throw new HttpError(422, `unknown policyId ${body.policyId}`);
    const accountId = pathParam(req.params, 'accountId');
    const { inserted, forfeiture } = await withTransaction(db, async (tx) => {
      const { inserted } = await saveAccount(tx, { id: accountId, ...body });
      // Termination forfeits remaining credits where the pack says so, in the same transaction.
      const forfeited =
        body.status === 'terminated'
          ? await forfeitCredits(tx, accountId, policy.pack, {
              actor: `staff:${staffActor(res.locals.staff as StaffPrincipal).id}`,
              policyId: policy.id,
            })
          : undefined;
      return { inserted, forfeiture: forfeited };
    });
    const credits = forfeiture && {
      forfeited: forfeiture.forfeited,
      clause: forfeiture.clause,
      grants: forfeiture.grants.map((g) => ({
        grantId: g.grantId,
        amountMinor: g.amount.amountMinor,
        currency: g.amount.currency,
      })),
    };
    res.status(inserted ? 201 : 200).json({ id: accountId, ...body, ...(credits ? { credits } : {}) });
  });

  router.post('/v1/usage/requests', feeder, async (req, res) => {
    const { records } = UsageRequestBatch.parse(req.body);
    res.json(await refusedAs422(() => importLedgerRecords(db, 'requests', records)));
  });

  router.post('/v1/usage/charges', feeder, async (req, res) => {
    const { records } = ChargeBatch.parse(req.body);
    res.json(await refusedAs422(() => importLedgerRecords(db, 'charges', records)));
  });

  router.post('/v1/usage/outages', feeder, async (req, res) => {
    const { records } = OutageBatch.parse(req.body);
    res.json(await refusedAs422(() => importLedgerRecords(db, 'outages', records)));
  });

  return router;
}
