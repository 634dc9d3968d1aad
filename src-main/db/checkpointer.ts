/**
 * WAL checkpoints when the clerk is not waiting. SQLite's automatic checkpoint runs
 * inside whichever commit crosses 1,000 WAL pages; a report's creation writes ~32 pages
 * (the row, its indexes, reporter, log, outbox, search index), so every ~31st save paid
 * for copying 4 MB back into the database. Here the checkpoint runs after a short idle
 * pause instead, and only a long burst of writes with no pause at all (an import) forces
 * one between writes, bounding the WAL.
 */
import type { Sqlite } from './migrate';

export interface Checkpointer {
  /** Call after every committed write. */
  afterWrite(): void;
  /** Final checkpoint (on close). */
  close(): void;
}

export function createCheckpointer(
  db: Sqlite,
  opts: { idleMs?: number; maxWritesWithoutPause?: number } = {},
): Checkpointer {
  const idleMs = opts.idleMs ?? 250;
  const maxWrites = opts.maxWritesWithoutPause ?? 250;
  db.pragma('wal_autocheckpoint = 0');
  let timer: ReturnType<typeof setTimeout> | null = null;
  let writes = 0;
  let closed = false;

  const checkpoint = () => {
    timer = null;
    if (closed || !db.open) return;
    writes = 0;
    try {
      db.pragma('wal_checkpoint(PASSIVE)');
    } catch {
      // A busy database retries at the next pause; nothing is lost, the WAL just grows.
    }
  };

  return {
    afterWrite() {
      if (closed) return;
      writes += 1;
      if (writes >= maxWrites) return checkpoint();
      if (timer) clearTimeout(timer);
      timer = setTimeout(checkpoint, idleMs);
      timer.unref?.();
    },
    close() {
      if (timer) clearTimeout(timer);
      if (db.open) {
        try {
          db.pragma('wal_checkpoint(TRUNCATE)');
        } catch {
          /* closing anyway */
        }
      }
      closed = true;
    },
  };
}
