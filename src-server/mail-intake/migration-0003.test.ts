/**
 * Server migration 0003 (mail_mailboxes, mail_folder_state, mail_messages): a server
 * database at 0002 with rows is migrated, its rows survive, and the intake's hot lookup
 * (a handled message by mailbox and key) uses the primary key.
 */
import { describe, expect, it } from 'vitest';
import { MIGRATIONS_FOLDER } from '../storage/open';
import { openPglite } from '../storage/pglite';
import { migrationsUpTo, tempDirs } from '../testing/migrations';

const tmp = tempDirs('sportello-mig-');

describe('server migration 0003_mail_intake', () => {
  it('keeps the rows of 0002 and adds the intake tables, the handled-message lookup by its key', async () => {
    const data = tmp();
    const old = await openPglite(data, migrationsUpTo(tmp(), '0002_mail_outbox'));
    await old.query(
      `INSERT INTO sync_rows (tbl, key, owner, data, version) VALUES ('reports', 'r1', 'r1', '{"id":"r1"}', 1)`,
    );
    await old.query(`INSERT INTO mail_settings (key, value, updated_at) VALUES ('rules', '{"a":1}', 1)`);
    expect(await old.query(`SELECT to_regclass('mail_messages') AS t`)).toEqual([{ t: null }]);
    await old.close();

    const db = await openPglite(data, MIGRATIONS_FOLDER);
    try {
      expect(await db.query(`SELECT key, data FROM sync_rows`)).toEqual([{ key: 'r1', data: { id: 'r1' } }]);
      expect(await db.query(`SELECT value FROM mail_settings`)).toEqual([{ value: { a: 1 } }]);
      await db.query(
        `INSERT INTO mail_messages (mailbox_id, mail_key, message_id, kind, report_id, at)
         SELECT 'm' || (i % 3), 'k' || i, '<' || i || '@x>', 'report', 'r' || i, i FROM generate_series(1, 5000) AS i`,
      );
      await db.query(
        `INSERT INTO mail_folder_state (mailbox_id, folder, uid_validity, last_uid, updated_at) VALUES ('m1', 'INBOX', '7', 42, 1)`,
      );
      await db.query('ANALYZE mail_messages');
      const plan = (
        await db.query<{ 'QUERY PLAN': string }>(
          `EXPLAIN SELECT report_id FROM mail_messages WHERE mailbox_id = 'm1' AND mail_key = 'k4'`,
        )
      )
        .map((r) => r['QUERY PLAN'])
        .join('\n');
      expect(plan).toContain('mail_messages_mailbox_id_mail_key_pk');
      expect(await db.query(`SELECT last_uid FROM mail_folder_state`)).toEqual([{ last_uid: 42 }]);
    } finally {
      await db.close();
    }
  });
});
