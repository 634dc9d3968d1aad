/**
 * Embedded storage: PostgreSQL compiled to WebAssembly, in a data folder, nothing to
 * install. One connection, so every query and transaction runs one at a time (PGlite
 * queues them itself); the same SQL as on PostgreSQL, the same migrations.
 */
import { PGlite } from '@electric-sql/pglite';
import { drizzle } from 'drizzle-orm/pglite';
import { migrate } from 'drizzle-orm/pglite/migrator';
import type { Queryable, Storage } from './storage';

const INT8 = 20;

export async function openPglite(dataDir: string, migrationsFolder: string): Promise<Storage> {
  const db = new PGlite(dataDir, { parsers: { [INT8]: (v: string) => Number(v) } });
  await db.waitReady;
  await migrate(drizzle({ client: db }), { migrationsFolder });
  const wrap = (q: Pick<PGlite, 'query'>): Queryable => ({
    async query<R>(text: string, params?: unknown[]) {
      const res = await q.query<R>(text, params);
      return res.rows;
    },
  });
  const direct = wrap(db);
  return {
    kind: 'pglite',
    query: direct.query,
    // A single connection sees no concurrent writer, so plain transactions are snapshots.
    transaction: (fn, opts) =>
      db.transaction(async (tx) => {
        if (opts?.lock !== undefined) await tx.query('SELECT pg_advisory_xact_lock($1)', [opts.lock]);
        return fn(wrap(tx));
      }),
    listen: async () => null,
    close: () => db.close(),
  };
}
