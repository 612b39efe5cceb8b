import { Router } from 'express';
import type { Db } from '../../db';
import type { PolicyStore } from '../../db/policies';
import { parsePolicyPack, PolicyPackError, simulateClaim, type LoadedPolicy } from '../../domain/policy';
import { requireStaff, STAFF_ROLES } from '../auth';
import { HttpError } from '../errors';
import { pathParam } from '../schemas';
import { SimulationBody, simulationView, toSimulationInput } from '../simulation';

/** The published policy packs, and the simulator that evaluates a claim against one without starting anything. */
export function policyRoutes(db: Db, policies: PolicyStore): Router {
  const router = Router();
  const published = (policyId: string) => publishedPolicy(policies, policyId);

  router.get('/v1/policies', (_req, res) => {
    res.json({
      policies: policies.list().map((p) => ({
        id: p.id,
        version: p.version,
        title: p.pack.title,
        calendar: p.pack.calendar,
        sla: p.pack.sla,
      })),
    });
  });

  router.get('/v1/policies/:policyId', (req, res) => {
    const policy = published(pathParam(req.params, 'policyId'));
    res.json({ id: policy.id, version: policy.version, pack: policy.pack });
  });

  router.post('/v1/policies/:policyId/simulate', requireStaff(db, STAFF_ROLES), (req, res) => {
    res.json(simulatePolicy(policies, pathParam(req.params, 'policyId'), req.body));
  });

  return router;
}

function publishedPolicy(policies: PolicyStore, policyId: string): LoadedPolicy {
  const policy = policies.current(policyId);
  if (!policy) throw new HttpError(404, `no policy ${policyId}; see GET /v1/policies`);
  return policy;
}

/** Evaluates a claim against the published pack, or a draft of it, without starting or writing anything. */
export function simulatePolicy(policies: PolicyStore, policyId: string, request: unknown) {
  const current = publishedPolicy(policies, policyId);
  const body = SimulationBody.parse(request);
  const policy = body.pack ? draftPack(body.pack, current.id) : current;
  const input = toSimulationInput(body, new Date());
  const result = simulateClaim(policy, input);
  return simulationView(result, policy, input.claim.submittedAt, policy.version !== current.version);
}

function draftPack(pack: unknown, policyId: string): LoadedPolicy {
  try {
    const draft = parsePolicyPack(pack, 'request body "pack"');
    if (draft.id !== policyId) throw new HttpError(422, `the draft pack is for ${draft.id}, not ${policyId}`);
    return draft;
  } catch (err) {
    if (err instanceof PolicyPackError) throw new HttpError(422, err.message);
    throw err;
  }
}
