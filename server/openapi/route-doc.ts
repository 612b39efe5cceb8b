import type { z } from 'zod';

/** Error statuses the API answers with, each with the ErrorBody. */
export const ERROR_STATUSES = {
  400: 'invalid input: the message names each field and why',
  401: 'missing or unknown credentials',
  403: 'this role may not take this action',
  404: 'no such resource',
  409: 'conflicts with the current state (or an idempotency key reused with another body)',
  413: "request body larger than the route's limit: 64 KB, or 1 MB for claims and replies, 512 KB for contests and simulations, 8 MB for ledger batches",
  415: 'body not application/json, or in a charset other than UTF-8, or a Content-Encoding other than gzip, deflate, br',
  422: 'well-formed but refused by the policy or the ledger',
  429: 'over a rate limit; RateLimit / RateLimit-Policy (IETF draft-8) and Retry-After say when to come back',
  503: 'a dependency (PostgreSQL or Temporal) cannot be reached',
} as const;
export type ErrorStatus = keyof typeof ERROR_STATUSES;

/** A success response: a zod schema for JSON, or a media type with a plain schema (e.g. the metrics text). */
export interface SuccessDoc {
  description: string;
  schema?: z.ZodType;
  mediaType?: string;
}

/**
 * One route as the OpenAPI document describes it. The path is the express pattern (`/v1/claims/:claimId`),
 * so a route and its documentation read the same. Add one to a list in server/openapi/routes/; the
 * OpenAPI test fails for an express route without a doc, and checks real responses against it.
 */
export interface RouteDoc {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  path: string;
  summary: string;
  /** Who may call it: staff API keys, the claim's own token, either, or anyone. */
  auth: 'staff' | 'claimToken' | 'claimTokenOrStaff' | 'metricsKey' | 'public';
  /** Patterns of path parameters that have one (others are plain strings). */
  pathParams?: Record<string, z.ZodType>;
  /** The query schema the handler parses; its enums and bounds become the parameters'. */
  query?: z.ZodObject;
  headers?: { name: string; description: string; schema: z.ZodType }[];
  body?: z.ZodType;
  responses: Partial<Record<number, SuccessDoc>>;
  errors: ErrorStatus[];
}
