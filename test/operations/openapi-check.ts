import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import type { Router } from 'express';
import { isHtmlConsole } from '../../server/console';

/** The parts of the OpenAPI document the checks read. */
export interface OpenApiDoc {
  paths: Record<
    string,
    Record<string, { responses: Record<string, { content?: Record<string, { schema: Record<string, unknown> }> }> }>
  >;
  components: { schemas: Record<string, Record<string, unknown>> };
}

/** The documented path template a concrete path falls under: static segments beat parameters. */
export function templateOf(doc: OpenApiDoc, urlPath: string): string | undefined {
  const segments = urlPath.split('?')[0]!.split('/');
  const fits = Object.keys(doc.paths).filter((template) => {
    const parts = template.split('/');
    return parts.length === segments.length && parts.every((p, i) => /^\{\w+\}$/.test(p) || p === segments[i]);
  });
  const staticParts = (t: string) => t.split('/').filter((p) => !p.startsWith('{')).length;
  return fits.sort((a, b) => staticParts(b) - staticParts(a))[0];
}

/** Checks real responses against the document with Ajv (JSON Schema 2020-12, as OpenAPI 3.1 uses). */
export class ResponseChecker {
  private readonly ajv = new Ajv2020({ strict: false, allErrors: true });
  private readonly compiled = new Map<string, ValidateFunction>();

  constructor(private readonly doc: OpenApiDoc) {
    addFormats(this.ajv);
  }

  /** What is wrong with this response according to the document; empty when it conforms. */
  problems(method: string, urlPath: string, status: number, contentType: string, body: unknown): string[] {
    const template = templateOf(this.doc, urlPath);
    const op = template && this.doc.paths[template]?.[method.toLowerCase()];
    if (!op) return [`${method} ${urlPath} is not documented`];
    const response = op.responses[String(status)];
    if (!response) return [`${method} ${template} answered ${status}, which is not documented`];
    const mediaType = contentType.split(';')[0]!.trim();
    const content = response.content?.[mediaType];
    if (!content)
      return [
        `${method} ${template} ${status} sent ${mediaType}; documented: ${Object.keys(response.content ?? {}).join(', ') || 'no body'}`,
      ];
    const key = `${method} ${template} ${status} ${mediaType}`;
    let validate = this.compiled.get(key);
    if (!validate) {
      validate = this.ajv.compile(this.resolve(content.schema));
      this.compiled.set(key, validate);
    }
    return validate(body)
      ? []
      : (validate.errors ?? []).map(
          (e) => `${key}: ${e.instancePath || '(body)'} ${e.message} ${JSON.stringify(e.params)}`,
        );
  }

  /** The document's only references are to its components; inline them for Ajv. */
  private resolve(schema: Record<string, unknown>): Record<string, unknown> {
    const ref = schema.$ref;
    if (typeof ref === 'string' && ref.startsWith('#/components/schemas/'))
      return this.doc.components.schemas[ref.split('/').pop()!]!;
    return schema;
  }
}

interface Layer {
  route?: { path: string; methods: Record<string, boolean> };
  handle: { stack?: Layer[] };
  slash?: boolean;
  name: string;
}

/** `METHOD /path` of every route an express router serves, walking routers mounted inside it. */
export function expressRoutes(router: Router): string[] {
  const routes: string[] = [];
  const walk = (stack: Layer[]) => {
    for (const layer of stack) {
      if (layer.route) {
        for (const [method, on] of Object.entries(layer.route.methods))
          if (on && method !== '_all') routes.push(`${method.toUpperCase()} ${layer.route.path}`);
      } else if (isHtmlConsole(layer.handle)) {
        // The console serves HTML pages for people under /console; it is not part of the JSON API.
        continue;
      } else if (layer.handle.stack) {
        // Every router is mounted at the root today; one mounted under a path needs its prefix here.
        if (!layer.slash)
          throw new Error(`router ${layer.name} is mounted under a path; teach expressRoutes() its prefix`);
        walk(layer.handle.stack);
      }
    }
  };
  walk((router as unknown as { stack: Layer[] }).stack);
  return routes;
}
