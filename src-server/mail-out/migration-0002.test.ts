/**
 * Server migration 0002 (mail_outbox, mail_settings): a server database at 0001 with
 * rows is migrated, its rows survive, and the sender's hot queries use their indexes.
 */
import { describe, expect, it } from 'vitest';
import { MIGRATIONS_FOLDER } from '../storage/open';
import { openPglite } from '../storage/pglite';
import { migrationsUpTo, tempDirs } from '../testing/migrations';

const tmp = tempDirs('sportello-mig-');

describe('server migration 0002_mail_outbox', () => {
  it('keeps the rows of 0001 and adds the outbox with indexes the sender uses', async () => {
    const data = tmp();
    const old = await openPglite(data, migrationsUpTo(tmp(), '0001_blobs'));
    await old.query(
      `INSERT INTO sync_rows (tbl, key, owner, data, version) VALUES ('reports', 'r1', 'r1', '{"id":"r1"}', 1)`,
    );
    await old.query(
      `INSERT INTO blobs (sha256, size, mime, data, created_at, created_by) VALUES ('ab', 1, 'text/plain', '\\x41', 1, 'u')`,
    );
    expect(await old.query(`SELECT to_regclass('mail_outbox') AS t`)).toEqual([{ t: null }]);
    await old.close();

    const db = await openPglite(data, MIGRATIONS_FOLDER);
    try {
      expect(await db.query(`SELECT key, data FROM sync_rows`)).toEqual([{ key: 'r1', data: { id: 'r1' } }]);
      expect((await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM blobs`))[0]!.n).toBe(1);
      await db.query(
        `INSERT INTO mail_outbox (id, report_id, kind, to_address, subject, text, message_id, headers, attachments,
           status, next_attempt_at, created_at)
         SELECT 'e' || i, 'r' || (i % 50), 'receipt', 'a@example.it', 's', 't', '<m@sportello>', '{}', '[]',
                CASE WHEN i % 100 = 0 THEN 'queued' ELSE 'sent' END, i, i
           FROM generate_series(1, 5000) AS i`,
      );
      await db.query('ANALYZE mail_outbox');
      const plan = async (sql: string) =>
        (await db.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${sql}`)).map((r) => r['QUERY PLAN']).join('\n');
      expect(
        await plan(`SELECT id FROM mail_outbox WHERE status = 'queued' AND next_attempt_at <= 10000
                     ORDER BY next_attempt_at LIMIT 100`),
      ).toContain('mail_outbox_due_idx');
      expect(await plan(`SELECT * FROM mail_outbox WHERE report_id = 'r7' ORDER BY created_at`)).toContain(
        'mail_outbox_report_idx',
      );
    } finally {
      await db.close();
    }
  });
});
