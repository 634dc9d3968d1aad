/**
 * Applies drizzle/ migrations at start-up. Uses drizzle's own migrator so the journal
 * (__drizzle_migrations) stays compatible with drizzle-kit.
 */
import Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as schema from './schema';

export type Sqlite = Database.Database;

/** drizzle/ next to the app: repo root in development, resources in a packaged app. */
export function migrationsFolder(): string {
  const candidates = [
    process.env.SPORTELLO_MIGRATIONS,
    resolve(dirname(fileURLToPath(import.meta.url)), '../../drizzle'),
    resolve(process.cwd(), 'drizzle'),
    // Packaged Electron app: electron-builder copies drizzle/ to resources/.
    (process as unknown as { resourcesPath?: string }).resourcesPath
      ? join((process as unknown as { resourcesPath: string }).resourcesPath, 'drizzle')
      : undefined,
  ];
  for (const c of candidates) if (c && existsSync(join(c, 'meta', '_journal.json'))) return c;
  throw new Error('Cartella delle migrazioni (drizzle/) non trovata.');
}

export function openDatabase(file: string): Sqlite {
  const db = new Database(file);
  // WAL: readers never block the writer. synchronous=FULL fsyncs the WAL at every
  // commit: a report the clerk saw saved survives a power cut.
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = OFF');
  db.pragma('busy_timeout = 5000');
  // 8 MB of SQLite's own page cache per connection, on top of the OS's file cache. It is
  // native memory held for the process's whole life: a 10,000-message mail intake fills
  // it with pages it never reads again (at 64 MB the core passed 256 MB of RSS; at 16 MB
  // its peak was 251-258 MB, at 8 MB 228-242 MB, at the same speed); the local
  // list/search benchmark (1,000,000 reports) reads a few hundred hot pages.
  db.pragma('cache_size = -8192');
  db.pragma('temp_store = MEMORY');
  return db;
}

export function migrateDatabase(db: Sqlite, folder = migrationsFolder()): void {
  migrate(drizzle(db, { schema }), { migrationsFolder: folder });
  refreshPlannerStats(db);
}

/**
 * Gives the query planner statistics for whatever lacks them: an index a migration added
 * to a table analysed before it, or tables a bootstrap has just filled. Without a
 * sqlite_stat1 row for the partial index on merged_into (migration 0009), SQLite chose a
 * full scan to find a report's merged reports, and opening a report of a million-report
 * replica took about 300 ms until someone ran ANALYZE; `PRAGMA optimize` alone leaves a
 * table that already has statistics alone. Sampling is bounded (analysis_limit), so this
 * costs milliseconds, and nothing when every index has its row.
 */
export function refreshPlannerStats(db: Sqlite): void {
  db.pragma('analysis_limit = 400');
  const hasStats = db
    .prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'sqlite_stat1'")
    .get();
  if (hasStats) {
    const missing = db
      .prepare(
        `SELECT DISTINCT i.tbl_name FROM sqlite_master i
          WHERE i.type = 'index' AND i.sql IS NOT NULL
            AND EXISTS (SELECT 1 FROM sqlite_stat1 s WHERE s.tbl = i.tbl_name)
            AND NOT EXISTS (SELECT 1 FROM sqlite_stat1 s WHERE s.idx = i.name)`,
      )
      .pluck()
      .all() as string[];
    // The whole table: ANALYZE of a lone empty partial index writes no row at all.
    for (const table of missing) db.exec(`ANALYZE "${table.replace(/"/g, '""')}"`);
  }
  db.pragma('optimize = 0x10002');
}
