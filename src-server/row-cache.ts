/**
 * The writer's rows, kept from one writer transaction to the next (per database, in this
 * process). A push group reads the reports its mutations name with their children; the
 * next group mostly names the same ones (the reports clerks are working on), and reading
 * them again was most of what the lock was held for.
 *
 * Correct because every write of sync_rows gives the row a version above every earlier one
 * and commits in version order (the writers' lock, apply.ts): a transaction that finds the
 * highest version still where the cache left it knows nothing changed; otherwise the rows
 * with a higher version (other processes', other writers') are read in the same statement
 * and replace the cached ones. The cache is only handed to one writer at a time, is kept
 * only after a commit, and only when every version of that transaction came from the
 * Writer's own rows (a caller that writes rows itself, as the import does, drops it).
 */
import { BatchRows } from './row-source';
import type { Queryable, Storage } from './storage/storage';

/** Beyond this many rows and absences the cache starts again empty. */
const MAX_ROWS = 30_000;
/** More changes than this since the cache's version: cheaper to start again. */
export const MAX_DELTA = 5_000;

export class RowCache {
  private rows: BatchRows | null = null;
  /** The highest version the cached rows are right at. */
  private version = 0;
  private busy = false;

  /** The cache for one writer transaction, or null while another writer holds it. */
  take(): RowCache | null {
    if (this.busy) return null;
    this.busy = true;
    return this;
  }

  /** The rows to start from (null: empty) and the version they are right at. */
  start(tx: Queryable): { rows: BatchRows | null; since: number } {
    if (this.rows) this.rows.attach(tx);
    return { rows: this.rows, since: this.version };
  }

  /** After the commit: the transaction's rows are the database's up to `version`. */
  keep(rows: BatchRows, version: number): void {
    this.rows = rows.size > MAX_ROWS ? null : rows;
    this.version = version;
    this.busy = false;
  }

  /** After a rollback, or writes the cache did not see. */
  drop(): void {
    this.rows = null;
    this.busy = false;
  }
}

const caches = new WeakMap<Storage, RowCache>();

export function rowCacheOf(storage: Storage): RowCache {
  let c = caches.get(storage);
  if (!c) caches.set(storage, (c = new RowCache()));
  return c;
}
