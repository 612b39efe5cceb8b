import { z } from 'zod';
import { Health } from '../responses';
import type { RouteDoc } from '../route-doc';

/** Health, metrics and this document. */
export const systemDocs: RouteDoc[] = [
  {
    method: 'get',
    path: '/healthz',
    summary: 'Whether PostgreSQL and Temporal can be reached',
    auth: 'public',
    responses: {
      200: { description: 'healthy', schema: Health },
      503: { description: 'degraded: the failing probe says why', schema: Health },
    },
    errors: [],
  },
  {
    method: 'get',
    path: '/metrics',
    summary:
      'Prometheus metrics: claims, decisions, open and overdue cases, payouts, SLA breaches, money, HTTP latency (README "Metrics")',
    auth: 'metricsKey',
    responses: {
      200: { description: 'Prometheus text exposition format 0.0.4', mediaType: 'text/plain', schema: z.string() },
    },
    errors: [401],
  },
  {
    method: 'get',
    path: '/openapi.json',
    summary: 'This document',
    auth: 'public',
    responses: { 200: { description: 'OpenAPI 3.1', schema: z.looseObject({ openapi: z.string() }) } },
    errors: [],
  },
];
