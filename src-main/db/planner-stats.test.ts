/**
 * The planner's statistics after a migration adds an index to a table analysed before it
 * (reports_merged_into, migration 0009): without its sqlite_stat1 row SQLite chose to scan
 * the whole reports table to find a report's merged reports (measured on the benchmark's
 * million-report replica: about 300 ms per opened report, 0.3–1.7 ms with the row).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { migrateDatabase, openDatabase, refreshPlannerStats, type Sqlite } from './migrate';
import { mergedReports } from './repos/merged-read';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const MERGED = `WITH RECURSIVE m(id) AS (
  SELECT id FROM reports WHERE merged_into = ? UNION SELECT r.id FROM reports r JOIN m ON r.merged_into = m.id)
  SELECT r.seq FROM m JOIN reports r ON r.id = m.id ORDER BY r.created_at, r.seq`;
const plan = (db: Sqlite) =>
  (db.prepare(`EXPLAIN QUERY PLAN ${MERGED}`).all('x') as { detail: string }[]).map((r) => r.detail);

it('analyses a table whose newer index has no statistics, so finding merged reports uses that index', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sportello-stats-'));
  dirs.push(dir);
  const file = join(dir, 'x.db');
  let db = openDatabase(file);
  migrateDatabase(db);
  const ins = db.prepare(
    `INSERT INTO reports (id, code, title, description, address, channel, status, priority, created_by, created_at, updated_by, updated_at)
     VALUES (?, ?, 'Buca', '', '', 'telefono', 'nuovo', 'normale', 'u', ?, 'u', ?)`,
  );
  db.transaction(() => {
    for (let i = 0; i < 3000; i++) ins.run(`r${i}`, `2026-${String(i).padStart(6, '0')}`, i, i);
  })();
  db.exec('ANALYZE');
  // A municipality's size, as ANALYZE found it on a million-report replica.
  db.prepare(
    "UPDATE sqlite_stat1 SET stat = '1000000' || substr(stat, instr(stat, ' ')) WHERE tbl = 'reports' AND instr(stat, ' ') > 0",
  ).run();
  // As on a replica analysed before migration 0009 created the index.
  db.prepare("DELETE FROM sqlite_stat1 WHERE idx = 'reports_merged_into'").run();
  db.close();

  db = openDatabase(file);
  expect(
    db.prepare("SELECT count(*) FROM sqlite_stat1 WHERE idx = 'reports_merged_into'").pluck().get(),
  ).toBe(0);
  refreshPlannerStats(db);
  db.close();

  db = openDatabase(file);
  try {
    expect(
      db.prepare("SELECT stat FROM sqlite_stat1 WHERE idx = 'reports_merged_into'").pluck().get(),
    ).toBeDefined();
    expect(plan(db)).toContain('SEARCH reports USING INDEX reports_merged_into (merged_into=?)');
    expect(plan(db)).not.toContain('SCAN reports');
    expect(mergedReports(db, 'r1')).toEqual([]);
    // Nothing missing: a second start analyses nothing (the row stays as it was).
    const before = db.prepare('SELECT * FROM sqlite_stat1 ORDER BY tbl, idx').all();
    refreshPlannerStats(db);
    expect(db.prepare('SELECT * FROM sqlite_stat1 ORDER BY tbl, idx').all()).toEqual(before);
  } finally {
    db.close();
  }
});
