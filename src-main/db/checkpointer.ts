/**
 * WAL checkpoints off the clerk's path. SQLite's automatic checkpoint runs inside
 * whichever commit crosses 1,000 WAL pages; a report's creation writes ~32 pages (the
 * row, its indexes, reporter, log, outbox, search index), so every ~31st save paid for
 * copying 4 MB back into the database. Switching it off is not enough either: a WAL
 * that only grows makes every commit extend the file, and the fsync of a growing file
 * is slower than rewriting blocks in place.
 *
 * So a worker thread with its own connection runs PASSIVE checkpoints shortly after
 * writes. PASSIVE never blocks the writer; once a checkpoint has copied everything, the
 * next commit restarts the WAL from its beginning and the file stops growing.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { Sqlite } from './migrate';

export interface Checkpointer {
  /** Call after every committed write. */
  afterWrite(): void;
  /**
   * Runs `fn` with this module's connection closed, so the core's connection is the
   * only one on the file (changing the journal mode needs that); checkpoints resume after.
   */
  alone<T>(fn: () => T): Promise<T>;
  /** Stops the worker and checkpoints the whole WAL into the database (on close). */
  close(): void;
}

// Plain CommonJS for an eval worker: no TypeScript loader, no bundler involved.
// workerData.closed (an Int32Array on shared memory) becomes 1 once the worker's
// connection is closed: close() waits for it, so no checkpoint is still writing into the
// database file when the core says it is closed (a file copied right after close() was
// found torn once, SQLITE_CORRUPT).
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const open = () => {
  const c = new Database(workerData.file, { fileMustExist: true });
  c.pragma('busy_timeout = 1000');
  return c;
};
let db = open();
const closeDb = () => {
  try { if (db) db.close(); } finally {
    db = null;
    Atomics.store(workerData.closed, 0, 1);
    Atomics.notify(workerData.closed, 0);
  }
};
parentPort.on('message', (m) => {
  if (m === 'checkpoint') {
    try { if (db) db.pragma('wal_checkpoint(PASSIVE)'); } catch (e) { /* retried at the next write */ }
    parentPort.postMessage('done');
  } else if (m === 'suspend') {
    closeDb();
    parentPort.postMessage('suspended');
  } else if (m === 'resume') {
    Atomics.store(workerData.closed, 0, 0);
    db = open();
  } else if (m === 'close') {
    closeDb();
  }
});
`;

/** How long close() waits for the worker's checkpoint under way to finish. */
const CLOSE_WAIT_MS = 10_000;

export function createCheckpointer(db: Sqlite, opts: { delayMs?: number } = {}): Checkpointer {
  const delayMs = opts.delayMs ?? 20;
  db.pragma('wal_autocheckpoint = 0');
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  const closedFlag = new Int32Array(new SharedArrayBuffer(4));
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: { driver, file: db.name, closed: closedFlag },
  });
  worker.unref();
  let scheduled: ReturnType<typeof setTimeout> | null = null;
  let running = false;
  let again = false;
  let closed = false;

  const run = () => {
    scheduled = null;
    if (closed) return;
    if (running) {
      again = true;
      return;
    }
    running = true;
    worker.postMessage('checkpoint');
  };
  let onSuspended: (() => void) | null = null;
  worker.on('message', (m) => {
    if (m === 'suspended') onSuspended?.();
    if (m !== 'done') return;
    running = false;
    if (again && !closed) {
      again = false;
      run();
    }
  });
  worker.on('error', (e) => console.error('[checkpointer]', e));

  return {
    afterWrite() {
      if (closed || scheduled) return;
      scheduled = setTimeout(run, delayMs);
      scheduled.unref?.();
    },
    async alone<T>(fn: () => T): Promise<T> {
      if (closed) return fn();
      const suspended = new Promise<void>((resolve) => (onSuspended = resolve));
      worker.postMessage('suspend');
      await suspended;
      onSuspended = null;
      try {
        return fn();
      } finally {
        if (!closed) worker.postMessage('resume');
      }
    },
    close() {
      if (closed) return;
      closed = true;
      if (scheduled) clearTimeout(scheduled);
      // The worker finishes a checkpoint under way, closes its connection and says so;
      // then the final checkpoint runs here, on the closing connection, alone.
      // (An idle worker holds no lock and writes nothing: no need to wait for it.)
      worker.postMessage('close');
      if (running) Atomics.wait(closedFlag, 0, 0, CLOSE_WAIT_MS);
      void worker.terminate();
      if (db.open) {
        try {
          db.pragma('wal_checkpoint(TRUNCATE)');
        } catch {
          // Busy: the WAL stays and is replayed at the next start. Nothing is lost.
        }
      }
    },
  };
}
