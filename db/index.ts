import { Pool, type PoolClient } from 'pg';

export type Db = Pool;
export type Tx = PoolClient;
/** Anything that can run a query: the pool itself or a checked-out transaction client. */
export type Queryable = Pick<Pool, 'query'> | Pick<PoolClient, 'query'>;

export function createDb(connectionString: string, max = 10): Db {
  const pool = new Pool({ connectionString, max });
  // A connection cut by a PostgreSQL restart emits 'error': on the pool while idle, on the client while checked
  // out between two queries. Unheard, either ends the process (`npm run chaos` saw the API and the worker die).
  // The query in flight fails on its own, and the pool drops the broken client when it is released.
  pool.on('error', () => undefined);
  pool.on('connect', (client) => client.on('error', () => undefined));
  return pool;
}

/** Runs `work` in one transaction on a checked-out client; the client is always released. */
export async function withTransaction<T>(db: Db, work: (tx: Tx) => Promise<T>): Promise<T> {
  const client = await db.connect();
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK');
    throw err;
  } finally {
    client.release();
  }
}

/** Whether the database answers (health check). */
export async function pingDatabase(db: Queryable): Promise<void> {
  await db.query('SELECT 1');
}
