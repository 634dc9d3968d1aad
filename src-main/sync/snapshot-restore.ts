/**
 * Takes a downloaded bootstrap snapshot (src-shared/sync/snapshot.ts) as this PC's
 * replica, in place, under the core's open connection.
 *
 * The snapshot holds the municipality's rows with everything derived from them (indexes,
 * search index, map index, dashboard counters, planner statistics). This PC's own tables
 * (sync state, outbox, notices, offline verifiers, sessions, mail settings, …: every
 * table that is not replica content) are first copied from the live file into the
 * snapshot, then SQLite's backup copies the snapshot's pages over the live file. Both
 * happen in one synchronous stretch of JavaScript, so no write of this process can fall
 * between them; the core's connection sees the new content at its next statement
 * (SQLite re-prepares statements when the schema cookie changes).
 */
import Database from 'better-sqlite3';
// better-sqlite3's handle to its native object. Its public backup() runs step by step
// across event-loop turns, during which the clerk's writes would land in the file the
// backup is about to overwrite; the native backup object runs it in one call.
import { cppdb } from 'better-sqlite3/lib/util.js';
import { SYNC_TABLES } from '../../src-shared/sync/protocol';
import type { Sqlite } from '../db/migrate';

/** Tables a snapshot brings (beyond the synced ones): derived from them, never local. */
const DERIVED = ['category_keys', 'stats_counts', 'stats_assignee_counts', 'reports_fts', 'reports_geo'];
const REPLICA_CONTENT = new Set<string>([...SYNC_TABLES, ...DERIVED, '__drizzle_migrations']);
/** Bootstrap bookkeeping that must not survive into a complete replica. */
const STALE_META = ['bootstrap_deferred_ddl', 'bootstrap_fts_pending'];

const isReplicaContent = (name: string) =>
  REPLICA_CONTENT.has(name) || DERIVED.some((d) => name.startsWith(`${d}_`)) || name.startsWith('sqlite_');

/** The replica schema a file runs: its migrations (count and last hash). */
export function replicaSchemaTag(db: Sqlite): string {
  const r = db
    .prepare(
      'SELECT count(*) AS n, (SELECT hash FROM __drizzle_migrations ORDER BY id DESC LIMIT 1) AS h FROM __drizzle_migrations',
    )
    .get() as { n: number; h: string | null };
  return `${r.n}:${r.h ?? ''}`;
}

/** The tables of `db` that belong to this PC, not to the municipality's replica. */
export function localTables(db: Sqlite): string[] {
  const names = db
    .prepare(
      `SELECT name FROM sqlite_schema WHERE type = 'table' AND sql NOT LIKE 'CREATE VIRTUAL%' ORDER BY name`,
    )
    .pluck()
    .all() as string[];
  return names.filter((n) => !isReplicaContent(n));
}

export class SnapshotMismatchError extends Error {}

interface NativeBackup {
  transfer(pages: number): { totalPages: number; remainingPages: number };
  close(): void;
}

/**
 * Replaces the replica content of `live` with the snapshot at `file` (which this call
 * modifies: the local tables go into it) and sets the cursor to `cursor`. Throws
 * SnapshotMismatchError, touching nothing, when the snapshot's schema is not the live one.
 */
export function restoreSnapshot(live: Sqlite, file: string, cursor: number): void {
  const snap = new Database(file, { fileMustExist: true });
  try {
    snap.pragma('busy_timeout = 5000');
    if (replicaSchemaTag(snap) !== replicaSchemaTag(live)) {
      throw new SnapshotMismatchError('La copia iniziale è di un’altra versione dello schema.');
    }
    const local = localTables(live);
    snap.prepare('ATTACH DATABASE ? AS live').run(live.name);
    snap.transaction(() => {
      for (const t of local) {
        snap.exec(`DELETE FROM main."${t}"; INSERT INTO main."${t}" SELECT * FROM live."${t}";`);
      }
      const names = JSON.stringify(local);
      snap
        .prepare('DELETE FROM main.sqlite_sequence WHERE name IN (SELECT value FROM json_each(?))')
        .run(names);
      snap
        .prepare(
          'INSERT INTO main.sqlite_sequence SELECT * FROM live.sqlite_sequence WHERE name IN (SELECT value FROM json_each(?))',
        )
        .run(names);
      snap
        .prepare('DELETE FROM main.meta WHERE key IN (SELECT value FROM json_each(?))')
        .run(JSON.stringify(STALE_META));
      snap.prepare('UPDATE main.sync_state SET cursor = ?, bootstrapping = 1').run(cursor);
    })();
    snap.exec('DETACH DATABASE live');
    const handle = (snap as unknown as Record<symbol, { backup: (...a: unknown[]) => NativeBackup }>)[cppdb];
    if (!handle?.backup) throw new Error('better-sqlite3: backup nativo non disponibile.');
    // Alone on the file (the caller closed the other connections), the replica leaves WAL
    // for the copy: the pages go straight into the database file, not through a WAL of
    // the same size that a checkpoint would then copy again.
    const direct = leaveWal(live);
    const backup = handle.backup(snap, 'main', live.name, false);
    try {
      // SQLITE_BUSY (a checkpoint of the live file under way) leaves pages to copy: retry.
      for (let tries = 0; backup.transfer(-1).remainingPages > 0; tries++) {
        if (tries > 500) throw new Error('Replica occupata: copia iniziale non applicata.');
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10);
      }
    } finally {
      backup.close();
      if (direct) live.pragma('journal_mode = WAL');
    }
  } finally {
    snap.close();
  }
}

/** Switches to a rollback journal if no other connection is on the file; false if one is. */
function leaveWal(live: Sqlite): boolean {
  const wait = live.pragma('busy_timeout', { simple: true }) as number;
  live.pragma('busy_timeout = 0');
  try {
    return live.pragma('journal_mode = DELETE', { simple: true }) === 'delete';
  } catch {
    return false;
  } finally {
    live.pragma(`busy_timeout = ${wait}`);
  }
}
