// Types for proc.mjs.
export declare const repoRoot: string;
export declare function sleep(ms: number): Promise<void>;
export declare function isAlive(pid: number): boolean;
export declare function cmdlineOf(pid: number): string;
export declare function waitForExit(pid: number, timeoutMs: number): Promise<boolean>;
export declare function terminate(
  pid: number,
  options?: { signal?: NodeJS.Signals; graceMs?: number; group?: boolean },
): Promise<void>;
export declare function freePort(host?: string): Promise<number>;
export declare function isPortFree(port: number, host?: string): Promise<boolean>;
export declare function canConnect(port: number, host?: string, timeoutMs?: number): Promise<boolean>;
export declare function tailBuffer(max?: number): { push(chunk: unknown): void; text(): string };
export declare function fmtMs(ms: number): string;
