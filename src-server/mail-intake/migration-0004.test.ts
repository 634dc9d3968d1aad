/**
 * Server migration 0004 (mail_review): a server database at 0003 with intake rows is
 * migrated, its rows survive, and the review inbox's two hot reads use their indexes:
 * the pending list (partial index) and a confirmation's row by report id (unique index).
 */
import { describe, expect, it } from 'vitest';
import { MIGRATIONS_FOLDER } from '../storage/open';
import { openPglite } from '../storage/pglite';
import { migrationsUpTo, tempDirs } from '../testing/migrations';

const tmp = tempDirs('sportello-mig-');

const plan = async (db: { query<T>(sql: string): Promise<T[]> }, sql: string) =>
  (await db.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${sql}`)).map((r) => r['QUERY PLAN']).join('\n');

describe('server migration 0004_mail_review', () => {
  it('keeps the intake rows of 0003 and adds mail_review, its pending list and report lookup indexed', async () => {
    const data = tmp();
    const old = await openPglite(data, migrationsUpTo(tmp(), '0003_mail_intake'));
    await old.query(
      `INSERT INTO mail_messages (mailbox_id, mail_key, message_id, kind, report_id, at)
       VALUES ('m1', 'k1', '<1@x>', 'report', 'r1', 1)`,
    );
    await old.query(
      `INSERT INTO mail_folder_state (mailbox_id, folder, uid_validity, last_uid, updated_at)
       VALUES ('m1', 'INBOX', '7', 42, 1)`,
    );
    expect(await old.query(`SELECT to_regclass('mail_review') AS t`)).toEqual([{ t: null }]);
    await old.close();

    const db = await openPglite(data, MIGRATIONS_FOLDER);
    try {
      expect(await db.query(`SELECT mail_key, report_id FROM mail_messages`)).toEqual([
        { mail_key: 'k1', report_id: 'r1' },
      ]);
      expect(await db.query(`SELECT last_uid FROM mail_folder_state`)).toEqual([{ last_uid: 42 }]);
      await db.query(
        `INSERT INTO mail_review (mailbox_id, mail_key, report_id, received_at, args, status)
         SELECT 'm' || (i % 3), 'k' || i, 'r' || i, i, jsonb_build_object('title', 'T' || i),
                CASE WHEN i % 50 = 0 THEN 'pending' ELSE 'confirmed' END
           FROM generate_series(1, 5000) AS i`,
      );
      const [row] = await db.query<{ status: string; args: unknown }>(
        `SELECT status, args FROM mail_review WHERE mail_key = 'k7'`,
      );
      expect(row).toEqual({ status: 'confirmed', args: { title: 'T7' } });
      // A message parked twice (two server processes) stays one row.
      await db.query(
        `INSERT INTO mail_review (mailbox_id, mail_key, report_id, received_at, args)
         VALUES ('m1', 'k1', 'r1', 9, '{}') ON CONFLICT DO NOTHING`,
      );
      expect(await db.query(`SELECT received_at FROM mail_review WHERE report_id = 'r1'`)).toEqual([
        { received_at: 1 },
      ]);
      await db.query('ANALYZE mail_review');
      expect(
        await plan(
          db,
          `SELECT * FROM mail_review WHERE status = 'pending' ORDER BY received_at, mail_key LIMIT 200`,
        ),
      ).toContain('mail_review_pending_idx');
      expect(await plan(db, `SELECT * FROM mail_review WHERE report_id = 'r77' FOR UPDATE`)).toContain(
        'mail_review_report_idx',
      );
    } finally {
      await db.close();
    }
  });
});
