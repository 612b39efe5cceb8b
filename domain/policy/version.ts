import { createHash } from 'node:crypto';
import { canonicalJson } from '../../common/canonical-json';
import type { PolicyPack } from './schema';

/** A pack's version is its content: first 16 hex chars of sha256 over canonical JSON. */
export function policyVersion(pack: PolicyPack): string {
  return createHash('sha256').update(canonicalJson(pack), 'utf8').digest('hex').slice(0, 16);
}
