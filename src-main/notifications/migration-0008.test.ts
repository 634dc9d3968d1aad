/**
 * Migration 0008_suppliers_notifications on a database with reports and log entries:
 * the data survives, old assignments and mentions become notifications, and the
 * notification queries use the new partial indexes.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { migrateDatabase, openDatabase } from '../db/migrate';
import { migrationsBefore, tempDirs } from '../db/testing/migrations';
import { listNotifications } from './notifications-repo';

const tmp = tempDirs('sportello-mig-0008-');

const LUCIA = '01900000-0000-7000-8000-00000000000a';
const MARIO = '01900000-0000-7000-8000-00000000000b';
const GROUP = '01900000-0000-7000-8000-00000000000c';
const NOW = Date.UTC(2026, 10, 20);

describe('migration 0008_suppliers_notifications', () => {
  it('keeps the log, derives notifications from old entries and reads them through the partial indexes', () => {
    const db = openDatabase(join(tmp(), 'sportello.db'));
    try {
      migrateDatabase(db, migrationsBefore(tmp(), '0008_suppliers_notifications'));
      db.prepare(
        `INSERT INTO users (id, username, full_name, role, created_at, updated_at) VALUES
           (?, 'lucia.verdi', 'Lucia Verdi', 'operatore', 1, 1), (?, 'mario.rossi', 'Mario Rossi', 'operatore', 1, 1)`,
      ).run(LUCIA, MARIO);
      db.prepare(`INSERT INTO groups (id, name, updated_at) VALUES (?, 'Manutenzione', 1)`).run(GROUP);
      db.prepare(`INSERT INTO group_members (group_id, user_id) VALUES (?, ?), (?, ?)`).run(
        GROUP,
        LUCIA,
        GROUP,
        MARIO,
      );
      const rep = db.prepare(
        `INSERT INTO reports (seq, id, code, title, channel, status, created_by, created_at, updated_by, updated_at)
         VALUES (?, ?, ?, ?, 'telefono', 'nuovo', ?, ?, ?, ?)`,
      );
      const log = db.prepare(
        `INSERT INTO log_entries (report_seq, id, at, actor_id, kind, action, data, text, mentions)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      );
      // Many ordinary entries, a few that concern Mario.
      for (let i = 1; i <= 300; i++) {
        const rid = `01900000-0000-7000-9000-${String(i).padStart(12, '0')}`;
        rep.run(
          i,
          rid,
          `2026-${String(i).padStart(6, '0')}`,
          `Segnalazione ${i}`,
          LUCIA,
          NOW - 1000,
          LUCIA,
          NOW,
        );
        log.run(i, `c-${i}`, NOW - 1000 + i, LUCIA, 'event', 'created', '{}', null, null);
        log.run(i, `s-${i}`, NOW - 900 + i, LUCIA, 'event', 'status_changed', '{}', null, null);
      }
      log.run(
        5,
        'a-user',
        NOW - 500,
        LUCIA,
        'event',
        'assigned',
        JSON.stringify({ kind: 'user', assigneeId: MARIO }),
        null,
        null,
      );
      log.run(
        6,
        'a-group',
        NOW - 400,
        LUCIA,
        'event',
        'assigned',
        JSON.stringify({ kind: 'group', assigneeId: GROUP }),
        null,
        null,
      );
      log.run(
        7,
        'a-self',
        NOW - 300,
        MARIO,
        'event',
        'assigned',
        JSON.stringify({ kind: 'user', assigneeId: MARIO }),
        null,
        null,
      );
      log.run(
        8,
        'n-1',
        NOW - 200,
        LUCIA,
        'note',
        'note',
        null,
        'Guarda tu @mario.rossi',
        JSON.stringify([MARIO]),
      );
      const before = db.prepare('SELECT * FROM log_entries ORDER BY report_seq, id').all();

      migrateDatabase(db);

      expect(db.prepare('SELECT * FROM log_entries ORDER BY report_seq, id').all()).toEqual(before);
      expect(db.prepare('SELECT count(*) AS n FROM address_book').get()).toEqual({ n: 0 });
      const got = listNotifications(
        db,
        { id: MARIO, role: 'operatore', permissions: {} as never, groupIds: [GROUP] },
        NOW,
        50,
      );
      expect(got.unread).toBe(3);
      expect(got.items.map((n) => [n.id, n.kind, n.groupName])).toEqual([
        ['n-1', 'mention', null],
        ['a-group', 'assigned', 'Manutenzione'],
        ['a-user', 'assigned', null],
      ]);

      const plan = (sql: string, ...args: unknown[]) =>
        (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...args) as { detail: string }[])
          .map((r) => r.detail)
          .join('\n');
      // Per assignee: the index gives the newest first, no sort, however many rows match.
      const assignedPlan = plan(
        `SELECT l.id FROM log_entries l WHERE l.action = 'assigned'
           AND json_extract(l.data, '$.assigneeId') = ? AND l.at >= ? AND l.actor_id <> ?
         ORDER BY l.at DESC LIMIT 200`,
        GROUP,
        0,
        MARIO,
      );
      expect(assignedPlan).toMatch(/USING INDEX log_entries_assigned/);
      expect(assignedPlan).not.toMatch(/TEMP B-TREE/);
      expect(
        plan(
          `SELECT l.id FROM log_entries l WHERE l.mentions IS NOT NULL AND l.at >= ? AND l.actor_id <> ?
             AND EXISTS (SELECT 1 FROM json_each(l.mentions) WHERE value = ?) ORDER BY l.at DESC LIMIT 200`,
          0,
          MARIO,
          MARIO,
        ),
      ).toMatch(/USING INDEX log_entries_mentions/);
    } finally {
      db.close();
    }
  });
});
