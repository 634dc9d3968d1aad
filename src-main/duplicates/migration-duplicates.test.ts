/**
 * Migration 0009_duplicates on a database with reports in it: the R*Tree is filled from
 * the existing rows, its triggers keep it right afterwards, and the duplicates and
 * merged-reports queries use their indexes.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { migrateDatabase, openDatabase } from '../db/migrate';
import { migrationsBefore, tempDirs } from '../db/testing/migrations';
import { findDuplicates } from '../db/repos/duplicates';
import { mergedReports } from '../db/repos/merged-read';

const tmp = tempDirs('sportello-mig-dup-');

const DAY = 86_400_000;
const T = Date.UTC(2026, 5, 1);

describe('migration 0009_duplicates', () => {
  it('fills the R*Tree from existing reports, keeps it with triggers, and the queries use their indexes', () => {
    const db = openDatabase(join(tmp(), 'sportello.db'));
    try {
      migrateDatabase(db, migrationsBefore(tmp(), '0009_duplicates'));
      db.prepare(
        `INSERT INTO categories (id, parent_id, name, active, sort_order, updated_at) VALUES
           ('strada', NULL, 'Strada', 1, 0, 0), ('buca', 'strada', 'Buca', 1, 0, 0)`,
      ).run();
      const ins = db.prepare(
        `INSERT INTO reports (seq, id, code, title, category_id, lat, lon, channel, status, created_by, created_at, updated_by, updated_at)
         VALUES (?, ?, ?, 'Buca', ?, ?, ?, 'telefono', 'nuovo', 'u1', ?, 'u1', ?)`,
      );
      ins.run(1, 'a1', '2026-000001', 'buca', 45.70385, 9.66245, T, T);
      ins.run(2, 'a2', '2026-000002', 'buca', 45.7042, 9.66245, T + DAY, T + DAY);
      ins.run(3, 'a3', '2026-000003', null, 45.70385, 9.66245, T, T); // no category: not indexed
      ins.run(4, 'a4', '2026-000004', 'buca', null, null, T, T); // no place: not indexed

      migrateDatabase(db);
      const tree = () => db.prepare('SELECT id FROM reports_geo ORDER BY id').pluck().all();
      expect(tree()).toEqual([1, 2]);
      expect(db.prepare('SELECT merged_from_status FROM reports WHERE seq = 1').pluck().get()).toBeNull();

      const probe = {
        categoryId: 'buca',
        lat: 45.70385,
        lon: 9.66245,
        at: T + 2 * DAY,
        around: false,
        text: '',
      };
      expect(findDuplicates(db, probe).map((d) => d.candidate.id)).toEqual(['a1', 'a2']);

      // Triggers: a new report, a moved one, a category set later, a deleted one.
      ins.run(5, 'a5', '2026-000005', 'buca', 45.7039, 9.6625, T + DAY, T + DAY);
      db.prepare('UPDATE reports SET lat = 45.72 WHERE seq = 2').run();
      db.prepare("UPDATE reports SET category_id = 'buca' WHERE seq = 3").run();
      db.prepare('DELETE FROM reports WHERE seq = 1').run();
      expect(tree()).toEqual([2, 3, 5]);
      expect(findDuplicates(db, probe).map((d) => d.candidate.id)).toEqual(['a5', 'a3']);
      // A merged report is no suggestion; its main report finds it by index.
      db.prepare("UPDATE reports SET status = 'aggregata', merged_into = 'a5' WHERE seq = 3").run();
      expect(findDuplicates(db, probe).map((d) => d.candidate.id)).toEqual(['a5']);
      expect(mergedReports(db, 'a5').map((m) => m.id)).toEqual(['a3']);

      // An upsert (as the bootstrap's bulk writer gives a placeholder its real row) that
      // sets a category whose key exists: the trigger must not turn into a conflict.
      db.prepare(
        `INSERT INTO reports (seq, id, code, title, channel, status, created_by, created_at, updated_by, updated_at)
         VALUES (6, 'a6', '~a6', 'Sincronizzazione in corso…', 'interno', 'nuovo', '', ?, '', ?)`,
      ).run(T, T);
      db.prepare(
        `INSERT INTO reports (id, code, title, category_id, lat, lon, channel, status, created_by, created_at, updated_by, updated_at)
         VALUES ('a6', '2026-000006', 'Buca', 'buca', 45.70386, 9.66246, 'telefono', 'nuovo', 'u1', ?, 'u1', ?)
         ON CONFLICT (id) DO UPDATE SET code = excluded.code, category_id = excluded.category_id,
           lat = excluded.lat, lon = excluded.lon`,
      ).run(T + DAY, T + DAY);
      expect(tree()).toEqual([2, 3, 5, 6]);

      const plan = (sql: string) =>
        (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all() as { detail: string }[])
          .map((r) => r.detail)
          .join(' | ');
      expect(
        plan(
          `SELECT r.id FROM reports_geo g JOIN reports r ON r.seq = g.id
            WHERE g.min_lat >= 45.7 AND g.max_lat <= 45.71 AND g.min_lon >= 9.66 AND g.max_lon <= 9.67
              AND g.min_cat >= 1 AND g.max_cat <= 1 AND g.min_day >= 20600 AND g.max_day <= 20700`,
        ),
      ).toMatch(/SCAN g VIRTUAL TABLE INDEX 2:.*SEARCH r USING INTEGER PRIMARY KEY/);
      expect(plan("SELECT id FROM reports WHERE merged_into = 'a5'")).toContain('reports_merged_into');
    } finally {
      db.close();
    }
  });
});
