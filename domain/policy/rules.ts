import type { PolicyPack } from './schema';

/** One clause-and-quote rule found anywhere in a pack, with where it sits. */
export interface PackRule {
  path: string;
  clause: string;
  quote: string;
}

/** Every object in the pack that carries a clause and a quote, including out-of-scope entries. */
export function packRules(pack: PolicyPack): PackRule[] {
  const rules: PackRule[] = [];
  const visit = (value: unknown, path: string): void => {
    if (Array.isArray(value)) return value.forEach((item, i) => visit(item, `${path}[${i}]`));
    if (value === null || typeof value !== 'object') return;
    const record = value as Record<string, unknown>;
    if (typeof record.clause === 'string' && typeof record.quote === 'string') {
      rules.push({ path, clause: record.clause, quote: record.quote });
    }
    for (const [key, child] of Object.entries(record)) visit(child, path ? `${path}.${key}` : key);
  };
  visit(pack, '');
  return rules;
}
