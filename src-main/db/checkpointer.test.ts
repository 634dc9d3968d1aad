import { copyFileSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { createCheckpointer } from './checkpointer';
import { openDatabase, type Sqlite } from './migrate';

let dir: string;
let db: Sqlite;
afterEach(() => {
  if (db.open) db.close();
  rmSync(dir, { recursive: true, force: true });
});

function setup() {
  dir = mkdtempSync(join(tmpdir(), 'sportello-ckpt-'));
  db = openDatabase(join(dir, 'x.db'));
  db.exec('CREATE TABLE t (v TEXT)');
}
const write = () => db.prepare('INSERT INTO t (v) VALUES (?)').run('x'.repeat(3000));
const walBytes = () => statSync(join(dir, 'x.db-wal')).size;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const dbBytes = () => statSync(join(dir, 'x.db')).size;
/** Waits for the worker (a loaded machine may take a while to start a thread). */
async function until(what: string, ok: () => boolean, ms = 15_000) {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

describe('checkpointer', () => {
  it('alone(): its own connection is closed while fn runs (the journal mode can change), then checkpoints go on', async () => {
    setup();
    const c = createCheckpointer(db);
    c.afterWrite();
    write();
    // The worker's open connection keeps the file in shared use: leaving WAL is refused.
    await until('the worker to open its connection', () => {
      try {
        db.pragma('busy_timeout = 0');
        db.pragma('journal_mode = DELETE');
        db.pragma('journal_mode = WAL');
        return false;
      } catch {
        return true;
      }
    });
    const mode = await c.alone(() => {
      const m = db.pragma('journal_mode = DELETE', { simple: true });
      db.pragma('journal_mode = WAL');
      return m;
    });
    expect(mode).toBe('delete');
    // Back to work: a write is checkpointed by the worker again.
    for (let i = 0; i < 50; i++) write();
    c.afterWrite();
    await until('a checkpoint after alone()', () => {
      const r = db.pragma('wal_checkpoint(PASSIVE)') as { log: number; checkpointed: number }[];
      return r[0]!.log === r[0]!.checkpointed;
    });
    c.close();
  });

  it('switches SQLite’s in-commit automatic checkpoint off', () => {
    setup();
    const c = createCheckpointer(db);
    for (let i = 0; i < 1500; i++) write();
    // Nobody called afterWrite: without auto-checkpoint the WAL holds every page.
    expect(walBytes()).toBeGreaterThan(1200 * 4096);
    c.close();
  });

  it('a background worker copies the WAL into the database after writes, and the WAL stops growing', async () => {
    setup();
    const c = createCheckpointer(db, { delayMs: 5 });
    for (let round = 1; round <= 5; round++) {
      for (let i = 0; i < 200; i++) write();
      c.afterWrite();
      // Each round's rows reach the database file itself, with nobody but the worker copying them.
      await until(`round ${round} checkpointed`, () => dbBytes() > round * 200 * 3000);
      // …and the checkpoint finishes (the file grows before it does), so the next write can restart the WAL.
      await sleep(150);
    }
    // 1,000 rows of 3 KB went to the database file itself…
    expect(dbBytes()).toBeGreaterThan(1000 * 3000);
    // …and the WAL was restarted instead of growing to hold all of them.
    expect(walBytes()).toBeLessThan(700 * 4096);
    c.close();
    expect(db.prepare('SELECT count(*) AS n FROM t').get()).toEqual({ n: 1000 });
  });

  it('close() checkpoints everything that is left', () => {
    setup();
    const c = createCheckpointer(db, { delayMs: 10_000 });
    for (let i = 0; i < 100; i++) write();
    c.close();
    expect(walBytes()).toBe(0);
  });

  it('close() during a background checkpoint waits for it: the database file alone then holds every row', async () => {
    setup();
    const c = createCheckpointer(db, { delayMs: 0 });
    await sleep(300); // the worker is up
    db.transaction(() => {
      for (let i = 0; i < 8000; i++) write();
    })();
    c.afterWrite();
    // Let the worker start copying the ~24 MB WAL, then close in the middle of it.
    await until('the checkpoint to start', () => dbBytes() > 4096 * 4);
    c.close();
    db.close();
    // As a backup or a benchmark copies a closed replica: the main file only.
    const copy = join(dir, 'copy.db');
    copyFileSync(join(dir, 'x.db'), copy);
    const back = new Database(copy, { readonly: true });
    try {
      expect(back.pragma('integrity_check', { simple: true })).toBe('ok');
      expect(back.prepare('SELECT count(*) AS n FROM t').get()).toEqual({ n: 8000 });
    } finally {
      back.close();
    }
  });
});
