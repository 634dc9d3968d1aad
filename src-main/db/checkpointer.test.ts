import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
/** Frames still in the WAL that a checkpoint has not copied back. */
const pending = () => {
  const [r] = db.pragma('wal_checkpoint(PASSIVE)') as { log: number; checkpointed: number }[];
  return r!.log - r!.checkpointed;
};

describe('checkpointer', () => {
  it('never checkpoints inside a write: SQLite’s automatic checkpoint is off', () => {
    setup();
    createCheckpointer(db, { idleMs: 10_000, maxWritesWithoutPause: 1_000_000 });
    for (let i = 0; i < 1500; i++) write();
    // Without the checkpointer, auto-checkpoint would have kept the WAL under ~1,000 pages.
    expect(statSync(join(dir, 'x.db-wal')).size).toBeGreaterThan(1200 * 4096);
  });

  it('checkpoints after an idle pause', async () => {
    setup();
    const c = createCheckpointer(db, { idleMs: 20 });
    for (let i = 0; i < 50; i++) {
      write();
      c.afterWrite();
    }
    await new Promise((r) => setTimeout(r, 80));
    expect(pending()).toBe(0);
    const dbSize = statSync(join(dir, 'x.db')).size;
    expect(dbSize).toBeGreaterThan(50 * 3000);
  });

  it('forces a checkpoint after a long burst without pauses', () => {
    setup();
    const c = createCheckpointer(db, { idleMs: 10_000, maxWritesWithoutPause: 100 });
    for (let i = 0; i < 100; i++) {
      write();
      c.afterWrite();
    }
    expect(statSync(join(dir, 'x.db')).size).toBeGreaterThan(100 * 3000);
    c.close();
  });
});
