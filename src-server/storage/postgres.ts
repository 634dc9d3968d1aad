/** Storage on a PostgreSQL server (production, and several server processes at once). */
import { createHash } from 'node:crypto';
import pg from 'pg';
import { drizzle } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import { MIGRATE_LOCK, type Queryable, type QueryOptions, type Storage } from './storage';

const INT8 = 20;

/** bigint columns hold versions and epoch milliseconds: both fit a JS number. */
const types = {
  getTypeParser: ((oid: number, format?: string) =>
    oid === INT8
      ? (v: string) => Number(v)
      : pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
};

/** Names of prepared statements by text: a few fixed texts, bounded all the same. */
const prepared = new Map<string, string>();
const MAX_PREPARED = 64;

function statementName(text: string): string | undefined {
  let name = prepared.get(text);
  if (!name && prepared.size < MAX_PREPARED) {
    name = `sportello_${createHash('sha256').update(text).digest('hex').slice(0, 24)}`;
    prepared.set(text, name);
  }
  return name;
}

function wrap(client: pg.PoolClient | pg.Pool): Queryable {
  return {
    async query<R>(text: string, params?: unknown[], opts?: QueryOptions) {
      const name = opts?.prepare ? statementName(text) : undefined;
      const res = await client.query(name ? { name, text, values: params } : { text, values: params });
      return res.rows as R[];
    },
  };
}

export async function openPostgres(url: string, migrationsFolder: string): Promise<Storage> {
  const pool = new pg.Pool({ connectionString: url, max: 10, types });
  // A dropped idle connection must not crash the process.
  pool.on('error', () => {});
  await migrateLocked(pool, migrationsFolder);
  const direct = wrap(pool);
  const listeners = new Set<pg.Client>();
  const holders = new Set<pg.Client>();

  return {
    kind: 'postgres',
    query: direct.query,
    async transaction(fn, opts) {
      const client = await pool.connect();
      let broken = false;
      try {
        const begin = opts?.readOnlySnapshot ? 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY' : 'BEGIN';
        // One round trip for all (simple protocol: no parameters, so the lock id is inlined).
        // No parallel plans while holding the writers' lock: starting workers costs
        // milliseconds every other writer waits, for reads of a few thousand rows at most.
        await client.query(
          opts?.lock === undefined
            ? begin
            : `${begin}; SET LOCAL max_parallel_workers_per_gather = 0; SELECT pg_advisory_xact_lock(${Math.trunc(opts.lock)})`,
        );
        const out = await fn(wrap(client));
        await client.query('COMMIT');
        return out;
      } catch (err) {
        await client.query('ROLLBACK').catch(() => {
          broken = true;
        });
        throw err;
      } finally {
        client.release(broken);
      }
    },
    async listen(channel, onPayload) {
      const client = new pg.Client({ connectionString: url, types });
      client.on('error', () => {});
      await client.connect();
      client.on('notification', (n) => {
        if (n.channel === channel && n.payload !== undefined) onPayload(n.payload);
      });
      await client.query(`LISTEN ${pg.escapeIdentifier(channel)}`);
      listeners.add(client);
      return async () => {
        listeners.delete(client);
        await client.end().catch(() => {});
      };
    },
    async tryHoldLock(space, key) {
      const client = new pg.Client({ connectionString: url, types });
      client.on('error', () => {});
      await client.connect();
      try {
        const [r] = (
          await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1::int, $2::int) AS ok', [
            space,
            key,
          ])
        ).rows;
        if (!r?.ok) {
          await client.end();
          return null;
        }
      } catch (e) {
        await client.end().catch(() => {});
        throw e;
      }
      // The lock dies with the connection: closing it releases the lock.
      holders.add(client);
      return async () => {
        holders.delete(client);
        await client.end().catch(() => {});
      };
    },
    async close() {
      await Promise.all([...holders].map((c) => c.end().catch(() => {})));
      holders.clear();
      await Promise.all([...listeners].map((c) => c.end().catch(() => {})));
      listeners.clear();
      await pool.end();
    },
  };
}

/** Two processes starting together must not both run the migrations. */
async function migrateLocked(pool: pg.Pool, migrationsFolder: string): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATE_LOCK]);
    try {
      await migrate(drizzle({ client }), { migrationsFolder });
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [MIGRATE_LOCK]);
    }
  } finally {
    client.release();
  }
}
