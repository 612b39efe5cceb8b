import { randomFillSync } from 'node:crypto';
import { ulid } from 'ulid';

/** Random bytes drawn 256 at a time: ulid's own PRNG makes one crypto call per character, 16 per id. */
const pool = new Uint8Array(256);
let next = pool.length;

/** A byte from the pool as a fraction in [0, 1), as ulid's own PRNG returns it. */
function pooledRandom(): number {
  if (next === pool.length) {
    randomFillSync(pool);
    next = 0;
  }
  return pool[next++]! / 256;
}

/** A new claim id: `clm_` and a ULID (its time part dates claim tokens; its random part from crypto). */
export function newClaimId(): string {
  return `clm_${ulid(undefined, pooledRandom)}`;
}
