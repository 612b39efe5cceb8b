import { SimulationBody } from '../../simulation';
import { PolicyList, PolicyVersion, SimulationView } from '../responses';
import type { RouteDoc } from '../route-doc';

/** The published policy packs and the simulator. */
export const policyDocs: RouteDoc[] = [
  {
    method: 'get',
    path: '/v1/policies',
    summary: 'Published policy packs',
    auth: 'public',
    responses: { 200: { description: 'every pack in force', schema: PolicyList } },
    errors: [],
  },
  {
    method: 'get',
    path: '/v1/policies/:policyId',
    summary: 'One policy pack, as published',
    auth: 'public',
    responses: { 200: { description: 'the version in force', schema: PolicyVersion } },
    errors: [404],
  },
  {
    method: 'post',
    path: '/v1/policies/:policyId/simulate',
    summary:
      'Evaluate a claim against supplied ledger facts, optionally under a draft pack; starts nothing (any staff role)',
    auth: 'staff',
    body: SimulationBody,
    responses: { 200: { description: 'what the engine concludes', schema: SimulationView } },
    errors: [400, 401, 403, 404, 422],
  },
];
