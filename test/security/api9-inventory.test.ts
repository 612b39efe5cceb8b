import type { Client } from '@temporalio/client';
import type { Express } from 'express';
import { createDb } from '../../db';
import type { PolicyStore } from '../../db/policies';
import { createApp } from '../../server/app';
import { HTML_PAGES, openApiDocument, openApiPath, ROUTE_DOCS } from '../../server/openapi';
import { createLogger } from '../../wiring/logger';
import { expressRoutes } from '../operations/openapi-check';

/**
 * OWASP API9 (improper inventory management): the OpenAPI document lists every route express serves, and nothing
 * else. A route added without its RouteDoc (server/openapi/routes/) fails here.
 */
const db = createDb('postgres://unused@127.0.0.1:1/unused');

afterAll(async () => {
  await db.end();
});

function app(): Express {
  return createApp({
    db,
    temporal: {} as Client,
    policies: {} as PolicyStore,
    logger: createLogger('silent'),
    taskQueue: 'unused',
    claimTokenSecret: 'unused-secret-0123456789',
  });
}

/** Served routes missing from the document, and documented operations no route serves. */
function inventory(served: Express, doc: ReturnType<typeof openApiDocument>) {
  const pages = new Set(HTML_PAGES.map((p) => `${p.method.toUpperCase()} ${p.path}`));
  const routes = new Set(
    expressRoutes(served.router)
      .filter((r) => !pages.has(r))
      .map((r) => r.replace(/ (\S+)$/, (_m, p: string) => ` ${openApiPath(p)}`)),
  );
  const documented = new Set(
    Object.entries(doc.paths).flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${p}`)),
  );
  return {
    undocumented: [...routes].filter((r) => !documented.has(r)).sort(),
    unserved: [...documented].filter((r) => !routes.has(r)).sort(),
  };
}

describe('API9: the route inventory', () => {
  it('documents every route express serves, and documents nothing it does not serve', () => {
    const found = inventory(app(), openApiDocument());
    expect(found).toEqual({ undocumented: [], unserved: [] });
    expect(Object.keys(openApiDocument().paths).length).toBeGreaterThan(20);
  });

  it('names a route added without documentation', () => {
    const served = app();
    served.get('/v1/debug/dump', (_req, res) => {
      res.json({});
    });
    expect(inventory(served, openApiDocument()).undocumented).toEqual(['GET /v1/debug/dump']);
  });

  it('names a documented operation that no route serves', () => {
    const docs = [...ROUTE_DOCS, { ...ROUTE_DOCS[0]!, path: '/v1/retired' }];
    expect(inventory(app(), openApiDocument(docs)).unserved).toEqual(['GET /v1/retired']);
  });

  it('leaves out only the HTML pages for people, each on purpose', () => {
    expect(HTML_PAGES).toEqual([{ method: 'get', path: '/claims/:claimId' }]);
  });
});
