import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parsePolicyPack, PolicyPackError } from './parse';
import type { LoadedPolicy } from './loaded';

/** <repo>/policies, relative to this file so it works from any working directory (tsx/ts-node layout). */
export const DEFAULT_POLICY_DIR = path.resolve(__dirname, '..', '..', 'policies');

/** Reads and validates every <id>.json in `dir`; one bad pack stops the load with its file name. */
export function loadPolicyPacks(dir: string = DEFAULT_POLICY_DIR): Map<string, LoadedPolicy> {
  const packs = new Map<string, LoadedPolicy>();
  const files = readdirSync(dir)
    .filter((name) => name.endsWith('.json'))
    .sort();
  for (const name of files) {
    const file = path.join(dir, name);
    const loaded = parsePolicyPack(readJson(file), file);
    // The file name is how operators find a pack, so it must agree with the id inside.
    if (`${loaded.id}.json` !== name) {
      throw new PolicyPackError(`${file}: id "${loaded.id}" does not match the file name`);
    }
    packs.set(loaded.id, loaded);
  }
  return packs;
}

function readJson(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new PolicyPackError(`${file}: not readable JSON (${(error as Error).message})`);
  }
}
