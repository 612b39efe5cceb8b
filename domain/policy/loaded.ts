import type { PolicyPack } from './schema';

/** A validated pack plus the version decisions record, so a stored decision can be re-checked later. */
export interface LoadedPolicy {
  id: string;
  version: string;
  pack: PolicyPack;
}
