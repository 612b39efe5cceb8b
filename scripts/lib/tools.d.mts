// Types for tools.mjs.
export declare const TOOLS_DIR: string;
export declare const PIP_TARGET: string;
export declare const PIP_BIN: string;
export interface EnsureToolOptions {
  /** pip-install into .tools/pip when not found (default true). */
  install?: boolean;
  quiet?: boolean;
}
export declare function findOnPath(name: string): string | undefined;
/** `temporal` CLI path, or undefined (callers fall back to the SDK download). */
export declare function ensureTemporalCli(options?: EnsureToolOptions): Promise<string | undefined>;
/** `temporal-test-server` path, or undefined (callers fall back to the SDK download). */
export declare function ensureTestServer(options?: EnsureToolOptions): Promise<string | undefined>;
/** The pinned schemathesis version (`npm run fuzz:api`, CI). */
export declare const SCHEMATHESIS_VERSION: string;
/** How to run schemathesis: `python -m schemathesis.cli` with PYTHONPATH; undefined when pip cannot install it. */
export declare function ensureSchemathesis(options?: {
  quiet?: boolean;
}): Promise<{ python: string; pythonPath: string } | undefined>;
