import type { Queryable } from './index';

/** A staff API key as stored: only its hash, the person's name and role. */
export interface StaffKeyRow {
  keyHash: string;
  name: string;
  role: string;
}

/** Stores a key, or gives an existing one the new name and role (keys loaded from configuration at start). */
export async function saveStaffKey(db: Queryable, key: StaffKeyRow): Promise<void> {
  await db.query(
    `INSERT INTO staff_keys (key_hash, name, role) VALUES ($1, $2, $3)
     ON CONFLICT (key_hash) DO UPDATE SET name = $2, role = $3`,
    [key.keyHash, key.name, key.role],
  );
}

/** Stores a key unless it exists (demo keys: a re-run keeps what is there). */
export async function addStaffKeyIfMissing(db: Queryable, key: StaffKeyRow): Promise<void> {
  await db.query(
    'INSERT INTO staff_keys (key_hash, name, role) VALUES ($1, $2, $3) ON CONFLICT (key_hash) DO NOTHING',
    [key.keyHash, key.name, key.role],
  );
}

/** The name and role behind a key hash, if any. */
export async function findStaffKey(db: Queryable, keyHash: string): Promise<Omit<StaffKeyRow, 'keyHash'> | undefined> {
  const { rows } = await db.query<{ name: string; role: string }>(
    'SELECT name, role FROM staff_keys WHERE key_hash = $1',
    [keyHash],
  );
  return rows[0];
}
