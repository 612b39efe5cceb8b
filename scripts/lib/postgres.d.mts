// Types for postgres.mjs (used by scripts/dev-stack.ts and test/support).
export declare const PG_USER: string;
export declare const PG_PASSWORD: string;
export declare const DEFAULT_DATABASE: string;

export interface StartPostgresOptions {
  /** Cluster directory (persisted; initdb only when it has no PG_VERSION). Required unless DATABASE_URL is used. */
  dataDir?: string;
  /** Default 54329. */
  port?: number;
  /** Database to create if missing. Default 'refund_desk'. */
  database?: string;
  /** fsync off etc. — for throwaway test clusters. */
  fast?: boolean;
  /** Honour DATABASE_URL (default true). */
  useEnv?: boolean;
  /** Extra server settings, passed as `-c name=value` (e.g. shared_preload_libraries for a profiling run). */
  settings?: Record<string, string>;
  log?: (message: string) => void;
}

export interface LocalPostgres {
  /** URL of `database`. */
  url: string;
  /** URL of the `postgres` maintenance database on the same server. */
  adminUrl: string;
  /** True when DATABASE_URL was used (nothing was started). */
  external: boolean;
  port: number;
  stop(): Promise<void>;
}

export declare function startPostgres(options?: StartPostgresOptions): Promise<LocalPostgres>;
export declare function withDatabase(url: string, database: string): string;
export declare function createDatabaseIfMissing(adminUrl: string, name: string): Promise<boolean>;
export declare function dropDatabase(adminUrl: string, name: string): Promise<void>;
