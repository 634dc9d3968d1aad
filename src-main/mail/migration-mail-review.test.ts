/**
 * Migration 0011_mail_review on a database with mailboxes and handled messages: the
 * mailboxes keep their settings (review off), the bookkeeping survives, and the review
 * list's query reads through its index.
 */
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { migrateDatabase, openDatabase } from '../db/migrate';
import { migrationsBefore, tempDirs } from '../db/testing/migrations';
import { getMailbox } from './mailboxes-repo';
import { parkMessage, pendingReviews } from './review-repo';

const tmp = tempDirs('sportello-mig-0011-');

it('migration 0011_mail_review keeps mailboxes and handled messages; the pending list uses its index', () => {
  const db = openDatabase(join(tmp(), 'sportello.db'));
  try {
    migrateDatabase(db, migrationsBefore(tmp(), '0011_mail_review'));
    db.prepare(
      `INSERT INTO mail_mailboxes (id, name, kind, host, port, security, username, password_sealed, folder,
         processed_folder, processed_flag, poll_seconds, use_idle, enabled, updated_at)
       VALUES ('m1', 'URP', 'pec', 'imap.example.it', 993, 'tls', 'urp', 'v1.a.b.c', 'INBOX', 'Acquisite',
         '$SportelloAcquisito', 300, 1, 1, 5)`,
    ).run();
    const ins = db.prepare(
      `INSERT INTO mail_messages (mailbox_id, mail_key, message_id, kind, report_id, at) VALUES ('m1', ?, ?, 'report', ?, ?)`,
    );
    for (let i = 0; i < 500; i++) ins.run(`k${i}`, `<m${i}@x>`, `r${i}`, i);

    migrateDatabase(db);

    expect(getMailbox(db, 'm1')).toMatchObject({
      name: 'URP',
      kind: 'pec',
      port: 993,
      processedFolder: 'Acquisite',
      pollSeconds: 300,
      useIdle: true,
      reviewInbox: false,
      enabled: true,
    });
    expect((db.prepare('SELECT count(*) AS n FROM mail_messages').get() as { n: number }).n).toBe(500);

    for (let i = 0; i < 300; i++)
      parkMessage(db, {
        mailboxId: 'm1',
        mailKey: `k${i}`,
        reportId: `r${i}`,
        receivedAt: 1000 - i,
        args: {},
      });
    db.prepare("UPDATE mail_review SET status = 'discarded' WHERE received_at > 900").run();
    const pending = pendingReviews(db, 5);
    expect(pending.map((p) => p.receivedAt)).toEqual([701, 702, 703, 704, 705]);
    db.exec('ANALYZE');
    const plan = (
      db
        .prepare(
          "EXPLAIN QUERY PLAN SELECT * FROM mail_review WHERE status = 'pending' ORDER BY received_at, mail_key LIMIT 200",
        )
        .all() as { detail: string }[]
    )
      .map((r) => r.detail)
      .join(' | ');
    expect(plan).toMatch(/USING INDEX mail_review_status/);
  } finally {
    db.close();
  }
});
