// Types for temporal.mjs (used by scripts/dev-stack.ts and test/support).
export interface StartTemporalOptions {
  /** Persisted state (<dataDir>/temporal.db, server.log, server.pid); in-memory when omitted. */
  dataDir?: string;
  /** gRPC port, default 7233. */
  port?: number;
  /** Web UI port, default 8233 (ignored when headless). */
  uiPort?: number;
  headless?: boolean;
  /** Default 127.0.0.1. */
  ip?: string;
  /** Extra namespaces ('default' always exists). */
  namespaces?: string[];
  /** Custom search attributes, e.g. { RefundPolicy: 'Keyword' }; default: the claim attributes. */
  searchAttributes?: Record<string, 'Text' | 'Keyword' | 'Int' | 'Double' | 'Bool' | 'Datetime' | 'KeywordList'>;
  extraArgs?: string[];
  /** SQLite pragmas of a file-backed server; default sqlitePragmasFromEnv() (WAL, synchronous=normal). */
  sqlitePragmas?: string[];
  pidFile?: string;
  logFile?: string;
  /** Honour TEMPORAL_ADDRESS (default true). */
  useEnv?: boolean;
  readyTimeoutMs?: number;
  log?: (message: string) => void;
}

export interface LocalTemporal {
  /** host:port for Connection.connect / NativeConnection.connect. */
  address: string;
  uiUrl: string | undefined;
  namespace: string;
  /** True when TEMPORAL_ADDRESS was used (nothing was started). */
  external: boolean;
  pid?: number;
  stop(): Promise<void>;
}

export declare function startTemporalDevServer(options?: StartTemporalOptions): Promise<LocalTemporal>;
export declare function waitForTemporal(
  address: string,
  options?: { namespace?: string; timeoutMs?: number; isDead?: () => boolean },
): Promise<void>;

/** ['journal_mode=wal', 'synchronous=normal']. */
export declare const SQLITE_PRAGMAS: readonly string[];
/** TEMPORAL_SQLITE_PRAGMAS (comma separated, '' for none) when set, else SQLITE_PRAGMAS. */
export declare function sqlitePragmasFromEnv(env?: NodeJS.ProcessEnv): string[];
