// Types for tools.mjs.
export declare const TOOLS_DIR: string;
export declare const PIP_TARGET: string;
export declare const PIP_BIN: string;
export interface EnsureToolOptions {
  /** Install into .tools/ when not found (default true). */
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
/** The docker-compose release pip-installs into .tools/ when no compose CLI is on PATH. */
export declare const DOCKER_COMPOSE_VERSION: string;
/** .tools/docker-compose-<version>, the venv it is installed in. */
export declare const COMPOSE_VENV: string;
/**
 * A shell command for a compose CLI (`docker-compose`, `docker compose`, or the venv's docker-compose, installed
 * there the first time unless `install: false`); undefined when none works, e.g. no Python with venv and pip.
 */
export declare function ensureComposeCli(options?: EnsureToolOptions): Promise<string | undefined>;
