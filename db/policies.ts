import { loadPolicyPacks, parseStoredPack, type LoadedPolicy } from '../domain/policy';
import type { Queryable } from './index';

/**
 * The policy packs in force (from the policies folder) plus every version any claim was pinned to
 * (from policy_versions), so publishing a new version never changes a claim already under way.
 */
export class PolicyStore {
  private readonly pinnedCache = new Map<string, LoadedPolicy>();

  private constructor(
    private readonly db: Queryable,
    private readonly inForce: Map<string, LoadedPolicy>,
  ) {
    for (const policy of inForce.values()) this.pinnedCache.set(cacheKey(policy.id, policy.version), policy);
  }

  /** Loads and validates the packs, and records their versions so claims can pin them. */
  static async open(db: Queryable, policiesDir: string): Promise<PolicyStore> {
    const inForce = loadPolicyPacks(policiesDir);
    for (const policy of inForce.values()) {
      await db.query(
        `INSERT INTO policy_versions (policy_id, version, pack) VALUES ($1, $2, $3)
         ON CONFLICT (policy_id, version) DO NOTHING`,
        [policy.id, policy.version, policy.pack],
      );
    }
    return new PolicyStore(db, inForce);
  }

  list(): LoadedPolicy[] {
    return [...this.inForce.values()];
  }

  current(policyId: string): LoadedPolicy | undefined {
    return this.inForce.get(policyId);
  }

  /** The exact version a claim was submitted under: hash-checked, upgraded to the current format, re-validated. */
  async pinned(policyId: string, version: string): Promise<LoadedPolicy> {
    const key = cacheKey(policyId, version);
    const cached = this.pinnedCache.get(key);
    if (cached) return cached;
    const { rows } = await this.db.query<{ pack: unknown }>(
      'SELECT pack FROM policy_versions WHERE policy_id = $1 AND version = $2',
      [policyId, version],
    );
    if (!rows[0]) throw new Error(`policy ${policyId}@${version} was never published`);
    // Packs stored in an older format are upgraded; the version stays the hash of what was stored.
    const policy = parseStoredPack(rows[0].pack, version, `policy ${policyId}@${version}`);
    this.pinnedCache.set(key, policy);
    return policy;
  }
}

function cacheKey(policyId: string, version: string): string {
  return `${policyId}@${version}`;
}
