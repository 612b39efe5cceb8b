import { z } from 'zod';
import { PathId } from '../../common/ledger-records';
import { ChargebackIdParam, ClaimIdParam } from '../schemas';
import { ErrorBody } from './responses';
import { ERROR_STATUSES, type ErrorStatus, type RouteDoc } from './route-doc';
import { caseDocs } from './routes/cases';
import { chargebackDocs } from './routes/chargebacks';
import { claimDocs, claimTokenDocs } from './routes/claims';
import { ledgerDocs } from './routes/ledger';
import { mailDocs } from './routes/mail';
import { policyDocs } from './routes/policies';
import { systemDocs } from './routes/system';

/** Every documented route; a new area adds its list here. */
export const ROUTE_DOCS: readonly RouteDoc[] = [
  ...systemDocs,
  ...policyDocs,
  ...ledgerDocs,
  ...claimDocs,
  ...claimTokenDocs,
  ...caseDocs,
  ...chargebackDocs,
  ...mailDocs,
];

/**
 * Routes that serve HTML pages to people, deliberately left out of this JSON API document: the customer status page
 * (`GET /claims/:claimId?token=…`, server/routes/status-page.ts), linked from every customer mail.
 */
export const HTML_PAGES: readonly { method: 'get'; path: string }[] = [{ method: 'get', path: '/claims/:claimId' }];

type JsonSchema = Record<string, unknown>;

/** Requests are documented as the client writes them, responses as the server sends them. */
function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as JsonSchema;
  return rest;
}

/** `/v1/claims/:claimId` → `/v1/claims/{claimId}` */
export const openApiPath = (expressPath: string) => expressPath.replace(/:(\w+)/g, '{$1}');

const SECURITY: Record<RouteDoc['auth'], object[] | undefined> = {
  staff: [{ staffKey: [] }],
  claimToken: [{ claimToken: [] }],
  claimTokenOrStaff: [{ claimToken: [] }, { staffKey: [] }],
  metricsKey: [{ metricsKey: [] }],
  public: undefined,
};

/** The pattern each path parameter is checked against (a route's own pathParams win). */
const PATH_PARAMS: Record<string, z.ZodType> = {
  accountId: PathId,
  policyId: PathId,
  chargebackId: ChargebackIdParam,
  claimId: ClaimIdParam.shape.claimId,
};

function parameters(doc: RouteDoc) {
  const path = [...doc.path.matchAll(/:(\w+)/g)].map(([, name]) => {
    const schema = doc.pathParams?.[name!] ?? PATH_PARAMS[name!];
    return { name, in: 'path', required: true, schema: schema ? jsonSchema(schema, 'input') : { type: 'string' } };
  });
  const query = Object.entries(doc.query?.shape ?? {}).map(([name, schema]) => ({
    name,
    in: 'query',
    required: false,
    schema: jsonSchema(schema as z.ZodType, 'input'),
  }));
  const headers = (doc.headers ?? []).map((h) => ({
    name: h.name,
    in: 'header',
    required: false,
    description: h.description,
    schema: jsonSchema(h.schema, 'input'),
  }));
  return [...path, ...query, ...headers];
}

function responses(doc: RouteDoc) {
  const out: Record<string, object> = {};
  for (const [status, r] of Object.entries(doc.responses)) {
    out[status] = {
      description: r!.description,
      ...(r!.schema && {
        content: { [r!.mediaType ?? 'application/json']: { schema: jsonSchema(r!.schema, 'output') } },
      }),
    };
  }
  for (const status of errorStatuses(doc)) {
    out[status] = {
      description: ERROR_STATUSES[status],
      content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
    };
  }
  return out;
}

/**
 * The statuses a route really answers: its own, plus what the request pipeline adds: 400 for a malformed path
 * (a bad %-escape or id), 400/413/415 for a body that is not JSON, too large, or in an unsupported charset or encoding.
 */
function errorStatuses(doc: RouteDoc): ErrorStatus[] {
  const all = new Set<ErrorStatus>(doc.errors);
  if (doc.path.includes(':')) all.add(400);
  if (doc.body) for (const s of [400, 413, 415] as const) all.add(s);
  return [...all].sort();
}

function operation(doc: RouteDoc) {
  const params = parameters(doc);
  return {
    summary: doc.summary,
    ...(SECURITY[doc.auth] && { security: SECURITY[doc.auth] }),
    ...(params.length && { parameters: params }),
    ...(doc.body && {
      requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(doc.body, 'input') } } },
    }),
    responses: responses(doc),
  };
}

/** Built from the zod schemas the handlers validate with and the documented response schemas. */
export function openApiDocument(docs: readonly RouteDoc[] = ROUTE_DOCS) {
  const paths: Record<string, Record<string, object>> = {};
  for (const doc of docs) (paths[openApiPath(doc.path)] ??= {})[doc.method] = operation(doc);
  return {
    openapi: '3.1.0',
    info: {
      title: 'Refund Desk API',
      version: '0.1.0',
      description:
        'Refund claims and chargebacks for pay-per-use AI API platforms. Every error answers with the Error body.',
    },
    components: {
      securitySchemes: {
        staffKey: {
          type: 'http',
          scheme: 'bearer',
          description: 'Staff API key with a role: agent, lead, finance, admin, operator',
        },
        claimToken: {
          type: 'http',
          scheme: 'bearer',
          description:
            "The claim's token, carried by the link in its acknowledgement mail; it expires after CLAIM_TOKEN_LIFETIME_DAYS (90) and can be revoked",
        },
        metricsKey: {
          type: 'http',
          scheme: 'bearer',
          description: 'METRICS_KEY from the configuration (required outside development)',
        },
      },
      schemas: { Error: jsonSchema(ErrorBody, 'output') },
    },
    paths,
  };
}
