import { Router } from 'express';
import type { LoadedPolicy } from '../../domain/policy';
import { STAFF_ROLES } from '../auth';
import { HttpError, toHttpError } from '../errors';
import { simulatePolicy } from '../routes/policies';
import type { ConsoleDeps } from './deps';
import { renderPage } from './render';
import { exampleSimulation, policiesIndex, policyPage } from './policies-page';
import { requireRole } from './session';

/** The packs as people read them, and the simulator (the same function as POST /v1/policies/:id/simulate). */
export function policyPages(deps: ConsoleDeps): Router {
  const router = Router();
  const published = (id: string): LoadedPolicy => {
    const policy = deps.policies.current(id);
    if (!policy) throw new HttpError(404, `there is no policy ${id}`);
    return policy;
  };

  router.get('/policies', (req, res) => {
    renderPage(req, res, { title: 'Policies', current: 'policies' }, policiesIndex(deps.policies.list()));
  });

  router.get('/policies/:policyId', (req, res) => {
    const policy = published(String(req.params.policyId));
    renderPage(
      req,
      res,
      { title: policy.pack.title, current: 'policies' },
      policyPage(policy, req.csrfToken!(), { input: exampleSimulation(policy.id) }),
    );
  });

  // Any staff key may simulate over the API; the same here.
  router.post('/policies/:policyId/simulate', requireRole(STAFF_ROLES), (req, res) => {
    const policy = published(String(req.params.policyId));
    const input = String((req.body as { input?: string }).input ?? '');
    let sim: Parameters<typeof policyPage>[2];
    try {
      sim = { input, result: simulatePolicy(deps.policies, policy.id, JSON.parse(input)) };
    } catch (err) {
      const known =
        err instanceof SyntaxError ? { message: `The input is not valid JSON: ${err.message}` } : toHttpError(err);
      if (!known) throw err;
      sim = { input, error: known.message };
    }
    renderPage(
      req,
      res,
      { title: policy.pack.title, current: 'policies' },
      policyPage(policy, req.csrfToken!(), sim),
      sim.error ? 400 : 200,
    );
  });

  return router;
}
