/**
 * Migration 0004_stats_geo on a database with reports in it: the summaries are filled
 * from the existing rows, the triggers keep them right afterwards, and the dashboard's
 * queries use their covering indexes.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { migrateDatabase, openDatabase } from '../db/migrate';
import { migrationsBefore, tempDirs } from '../db/testing/migrations';

const tmp = tempDirs('sportello-mig-stats-');

const summary = (db: ReturnType<typeof openDatabase>) =>
  db
    .prepare(
      'SELECT month, status, category_id, channel, n FROM stats_counts WHERE n <> 0 ORDER BY 1, 2, 3, 4',
    )
    .all();
const assignees = (db: ReturnType<typeof openDatabase>) =>
  db
    .prepare(
      'SELECT month, status, kind, assignee_id, n FROM stats_assignee_counts WHERE n <> 0 ORDER BY 1, 2, 3, 4',
    )
    .all();

describe('migration 0004_stats_geo', () => {
  it('fills the summaries from existing reports and keeps them with triggers', () => {
    const db = openDatabase(join(tmp(), 'sportello.db'));
    try {
      migrateDatabase(db, migrationsBefore(tmp(), '0004_stats_geo'));
      const ins = db.prepare(
        `INSERT INTO reports (seq, id, code, title, category_id, channel, status, created_by, created_at, updated_by, updated_at, closed_at)
         VALUES (?, ?, ?, 'x', ?, ?, ?, 'u1', ?, 'u1', ?, ?)`,
      );
      const jan = Date.UTC(2026, 0, 15);
      const feb = Date.UTC(2026, 1, 28, 23, 30);
      ins.run(1, 'a1', '2026-000001', 'c1', 'telefono', 'nuovo', jan, jan, null);
      ins.run(2, 'a2', '2026-000002', 'c1', 'telefono', 'chiuso', jan, jan, jan + 86_400_000);
      ins.run(3, 'a3', '2026-000003', null, 'email', 'in_gestione', feb, feb, null);
      db.prepare(
        "INSERT INTO report_assignments (report_seq, kind, assignee_id, assigned_at, assigned_by) VALUES (1, 'user', 'u9', 1, 'u1'), (3, 'group', 'g1', 1, 'u1')",
      ).run();

      migrateDatabase(db);
      expect(summary(db)).toEqual([
        { month: 202601, status: 'chiuso', category_id: 'c1', channel: 'telefono', n: 1 },
        { month: 202601, status: 'nuovo', category_id: 'c1', channel: 'telefono', n: 1 },
        { month: 202602, status: 'in_gestione', category_id: '', channel: 'email', n: 1 },
      ]);
      expect(assignees(db)).toEqual([
        { month: 202601, status: 'nuovo', kind: 'user', assignee_id: 'u9', n: 1 },
        { month: 202602, status: 'in_gestione', kind: 'group', assignee_id: 'g1', n: 1 },
      ]);

      // Triggers: status change, reassignment (also by INSERT OR REPLACE), deletion.
      db.prepare("UPDATE reports SET status = 'in_gestione', channel = 'pec' WHERE seq = 1").run();
      db.prepare(
        "INSERT OR REPLACE INTO report_assignments (report_seq, kind, assignee_id, assigned_at, assigned_by) VALUES (1, 'user', 'u9', 2, 'u1')",
      ).run();
      db.prepare('DELETE FROM report_assignments WHERE report_seq = 3').run();
      db.prepare('DELETE FROM reports WHERE seq = 2').run();
      expect(summary(db)).toEqual([
        { month: 202601, status: 'in_gestione', category_id: 'c1', channel: 'pec', n: 1 },
        { month: 202602, status: 'in_gestione', category_id: '', channel: 'email', n: 1 },
      ]);
      expect(assignees(db)).toEqual([
        { month: 202601, status: 'in_gestione', kind: 'user', assignee_id: 'u9', n: 1 },
      ]);

      const plan = (sql: string) =>
        (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all() as { detail: string }[])
          .map((r) => r.detail)
          .join(' | ');
      expect(
        plan(
          "SELECT status, coalesce(category_id, ''), channel, count(*) FROM reports INDEXED BY stats_created_dims WHERE created_at >= 1 AND created_at < 2 GROUP BY 1, 2, 3",
        ),
      ).toContain('COVERING INDEX stats_created_dims');
      expect(
        plan(
          'SELECT r.category_id, count(*), avg(r.closed_at - r.created_at) FROM reports r WHERE r.closed_at IS NOT NULL GROUP BY r.category_id',
        ),
      ).toContain('COVERING INDEX stats_close_time');
    } finally {
      db.close();
    }
  });
});
