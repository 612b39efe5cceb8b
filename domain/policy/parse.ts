import { z } from 'zod';
import { PolicyPackSchema } from './schema';
import { policyVersion } from './version';
import type { LoadedPolicy } from './loaded';

export class PolicyPackError extends Error {
  constructor(
    message: string,
    readonly issues: readonly z.core.$ZodIssue[] = [],
  ) {
    super(message);
    this.name = 'PolicyPackError';
  }
}

/** Validates a pack (from a file or a stored copy) and stamps its content version. */
export function parsePolicyPack(json: unknown, source = 'policy pack'): LoadedPolicy {
  const result = PolicyPackSchema.safeParse(json);
  if (!result.success) {
    throw new PolicyPackError(`${source} is invalid:\n${z.prettifyError(result.error)}`, result.error.issues);
  }
  const pack = result.data;
  return { id: pack.id, version: policyVersion(pack), pack };
}
