/**
 * Migration 0010_activities on a database with reports in it: the reports and their log
 * survive, activities can be stored (WITHOUT ROWID, keyed by report) and the agenda's
 * queries use their partial indexes.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { migrateDatabase, openDatabase } from './migrate';
import { migrationsBefore, tempDirs } from './testing/migrations';

const tmp = tempDirs('sportello-mig-act-');

const plan = (db: ReturnType<typeof openDatabase>, sql: string) =>
  (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all() as { detail: string }[]).map((r) => r.detail).join(' | ');

describe('migration 0010_activities', () => {
  it('keeps existing reports, stores activities clustered by report, and the agenda uses its indexes', () => {
    const db = openDatabase(join(tmp(), 'sportello.db'));
    try {
      migrateDatabase(db, migrationsBefore(tmp(), '0010_activities'));
      expect(
        db.prepare("SELECT name FROM sqlite_master WHERE name = 'report_activities'").get(),
      ).toBeUndefined();
      db.prepare(
        `INSERT INTO reports (seq, id, code, title, channel, status, created_by, created_at, updated_by, updated_at)
         VALUES (7, 'r7', '2026-000007', 'Lampione spento', 'telefono', 'in_gestione', 'u1', 1, 'u1', 1)`,
      ).run();
      db.prepare(
        `INSERT INTO log_entries (report_seq, id, at, actor_id, kind, action) VALUES (7, 'l1', 1, 'u1', 'event', 'created')`,
      ).run();

      migrateDatabase(db);
      expect(db.prepare('SELECT title FROM reports WHERE seq = 7').get()).toEqual({
        title: 'Lampione spento',
      });
      expect(db.prepare('SELECT count(*) AS n FROM log_entries WHERE report_seq = 7').get()).toEqual({
        n: 1,
      });
      const sql = db.prepare("SELECT sql FROM sqlite_master WHERE name = 'report_activities'").get() as {
        sql: string;
      };
      expect(sql.sql).toMatch(/WITHOUT ROWID/);

      const ins = db.prepare(
        `INSERT INTO report_activities (report_seq, id, title, start_at, duration_min, status, recurrence, ends_at,
           created_by, created_at, updated_by, updated_at)
         VALUES (7, ?, 'Sopralluogo', ?, 60, ?, ?, ?, 'u1', 1, 'u1', 1)`,
      );
      ins.run('a1', 1000, 'da_fare', null, 1000 + 3_600_000);
      ins.run('a2', 2000, 'completata', null, 2000 + 3_600_000);
      ins.run(
        's1',
        500,
        'da_fare',
        '{"freq":"weekly","interval":1,"byWeekday":[],"until":null,"count":null}',
        null,
      );
      expect(db.prepare('SELECT id FROM report_activities WHERE report_seq = 7 ORDER BY id').all()).toEqual([
        { id: 'a1' },
        { id: 'a2' },
        { id: 's1' },
      ]);

      expect(plan(db, 'SELECT * FROM report_activities WHERE report_seq = 7')).toMatch(
        /SEARCH report_activities USING PRIMARY KEY \(report_seq=\?\)/,
      );
      expect(
        plan(
          db,
          'SELECT * FROM report_activities INDEXED BY report_activities_start WHERE recurrence IS NULL AND start_at >= 0 AND start_at < 5000',
        ),
      ).toMatch(/USING INDEX report_activities_start \(start_at>\? AND start_at<\?\)/);
      expect(
        plan(
          db,
          'SELECT * FROM report_activities INDEXED BY report_activities_series WHERE recurrence IS NOT NULL AND (ends_at IS NULL OR ends_at > 0) AND start_at < 5000',
        ),
      ).toMatch(/report_activities_series/);
      expect(
        plan(
          db,
          "SELECT * FROM report_activities INDEXED BY report_activities_open WHERE recurrence IS NULL AND status IN ('da_fare','in_corso') AND start_at >= 0 AND start_at < 5000",
        ),
      ).toMatch(/USING INDEX report_activities_open \(start_at>\? AND start_at<\?\)/);
    } finally {
      db.close();
    }
  });
});
