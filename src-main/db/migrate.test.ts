/**
 * Migration test: a database built at the previous migration, with data in it, is
 * migrated to the current schema; the data survives, the new search index covers the
 * old rows, and the hot queries use their indexes.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { migrateDatabase, migrationsFolder, openDatabase, type Sqlite } from './migrate';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function tmp() {
  const d = mkdtempSync(join(tmpdir(), 'sportello-mig-'));
  dirs.push(d);
  return d;
}

/** A copy of drizzle/ whose journal holds only the first `count` migrations. */
function migrationsUpTo(count: number): string {
  const src = migrationsFolder();
  const dst = join(tmp(), 'drizzle');
  cpSync(src, dst, { recursive: true });
  const journalPath = join(dst, 'meta', '_journal.json');
  const journal = JSON.parse(readFileSync(journalPath, 'utf8')) as { entries: unknown[] };
  journal.entries = journal.entries.slice(0, count);
  writeFileSync(journalPath, JSON.stringify(journal));
  return dst;
}

function journalLength(): number {
  return (
    JSON.parse(readFileSync(join(migrationsFolder(), 'meta', '_journal.json'), 'utf8')) as {
      entries: unknown[];
    }
  ).entries.length;
}

function insertOldData(db: Sqlite) {
  db.prepare(
    `INSERT INTO reports (seq, id, code, title, description, address, channel, status, priority, created_by, created_at, updated_by, updated_at)
     VALUES (1, '01900000-0000-7000-8000-000000000001', '2025-000042', 'Lampione spento', 'Il lampione è spento da giorni', 'Via della Città 5',
       'telefono', 'in_gestione', 'normale', 'u1', 1700000000000, 'u1', 1700000000000)`,
  ).run();
  db.prepare(
    `INSERT INTO reporters (id, nome, cognome, email, created_at, updated_at)
     VALUES ('01900000-0000-7000-8000-0000000000aa', 'Giuseppe', 'Garibaldi', 'g.garibaldi@example.it', 1, 1)`,
  ).run();
  db.prepare(
    `INSERT INTO report_reporters (report_seq, reporter_id, position) VALUES (1, '01900000-0000-7000-8000-0000000000aa', 0)`,
  ).run();
  db.prepare(
    `INSERT INTO log_entries (report_seq, id, at, actor_id, kind, action, text) VALUES (1, '01900000-0000-7000-8000-0000000000bb', 1, 'u1', 'note', 'note', 'Sopralluogo fatto dall''elettricista')`,
  ).run();
}

describe('migrations', () => {
  it('a database from before the search index gets every old report indexed', () => {
    const file = join(tmp(), 'v0.db');
    const db = openDatabase(file);
    migrateDatabase(db, migrationsUpTo(1));
    insertOldData(db);
    migrateDatabase(db);

    const q = (m: string) => db.prepare('SELECT rowid FROM reports_fts WHERE reports_fts MATCH ?').all(m);
    // Old rows are in the new index, with accents folded and reporters and notes included.
    expect(q('"citta"')).toEqual([{ rowid: 1 }]);
    expect(q('"garibaldi"')).toEqual([{ rowid: 1 }]);
    expect(q('"elettricista"')).toEqual([{ rowid: 1 }]);
    expect(q('"2025" "000042"')).toEqual([{ rowid: 1 }]);
    db.close();
  });

  it('migrates a database built at the previous version without losing data, and the hot queries use indexes', () => {
    const n = journalLength();
    expect(n).toBeGreaterThanOrEqual(3);
    const file = join(tmp(), 'old.db');
    const db = openDatabase(file);
    migrateDatabase(db, migrationsUpTo(n - 1));
    insertOldData(db);
    const before = db.prepare('SELECT * FROM reports').all();
    migrateDatabase(db);

    expect(db.prepare('SELECT * FROM reports').all()).toEqual(before);
    expect(db.prepare('SELECT code, title, status FROM reports WHERE seq = 1').get()).toEqual({
      code: '2025-000042',
      title: 'Lampione spento',
      status: 'in_gestione',
    });
    expect(db.prepare('SELECT count(*) AS n FROM log_entries WHERE report_seq = 1').get()).toEqual({ n: 1 });
    const plan = (sql: string) =>
      (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all() as { detail: string }[]).map((r) => r.detail).join('\n');
    expect(plan("SELECT id FROM reports WHERE code = '2025-000042'")).toMatch(/USING INDEX reports_code/);
    expect(plan('SELECT id FROM reports ORDER BY created_at DESC LIMIT 50')).toMatch(
      /USING INDEX reports_created/,
    );
    expect(plan("SELECT id FROM reports WHERE channel = 'web' ORDER BY created_at DESC LIMIT 50")).toMatch(
      /USING INDEX reports_channel_created/,
    );
    expect(
      plan(
        "SELECT id FROM reports INDEXED BY reports_open_created WHERE status IN ('nuovo','in_gestione') ORDER BY created_at DESC LIMIT 50",
      ),
    ).toMatch(/reports_open_created/);
    db.close();
  });

  it('applies cleanly to an empty database and is idempotent', () => {
    const db = openDatabase(join(tmp(), 'new.db'));
    migrateDatabase(db);
    migrateDatabase(db);
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as {
      name: string;
    }[];
    expect(tables.map((t) => t.name)).toEqual(
      expect.arrayContaining(['reports', 'log_entries', 'outbox', 'reports_fts']),
    );
    const withoutRowid = db.prepare("SELECT sql FROM sqlite_master WHERE name = 'log_entries'").get() as {
      sql: string;
    };
    expect(withoutRowid.sql).toMatch(/WITHOUT ROWID/);
    db.close();
  });
});
