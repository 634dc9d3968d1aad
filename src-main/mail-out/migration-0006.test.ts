/**
 * Migration 0006_mailout_outbox on a database built at 0005 with reports, log entries
 * and an IMAP mailbox: the data survives untouched, the mail-out tables work through
 * their real repositories, and the sender's hot queries read the outbox by its indexes.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { migrateDatabase, openDatabase } from '../db/migrate';
import { migrationsBefore, tempDirs } from '../db/testing/migrations';
import {
  countByStatus,
  dueEmails,
  emailsOfReport,
  markSending,
  markSent,
  nextDueAt,
  queueEmail,
} from './outbox-repo';
import { getSmtp, listRules, listTemplates, replaceRules, saveSmtp, saveTemplate } from './settings-repo';

const tmp = tempDirs('sportello-mig-0006-');

const LUCIA = '01900000-0000-7000-8000-00000000000a';
const NOW = Date.UTC(2026, 10, 20);
const rid = (i: number) => `01900000-0000-7000-9000-${String(i).padStart(12, '0')}`;

describe('migration 0006_mailout_outbox', () => {
  it('keeps reports, log and mailboxes; the outbox, SMTP account, switches and templates work; hot queries use their indexes', () => {
    const db = openDatabase(join(tmp(), 'sportello.db'));
    try {
      const folder = migrationsBefore(tmp(), '0006_mailout_outbox');
      migrateDatabase(db, folder);
      expect(
        db
          .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'mail_%' ORDER BY name")
          .all(),
      ).toEqual([{ name: 'mail_folder_state' }, { name: 'mail_mailboxes' }, { name: 'mail_messages' }]);

      db.prepare(
        `INSERT INTO users (id, username, full_name, role, created_at, updated_at)
         VALUES (?, 'lucia.verdi', 'Lucia Verdi', 'operatore', 1, 1)`,
      ).run(LUCIA);
      const rep = db.prepare(
        `INSERT INTO reports (seq, id, code, title, channel, status, created_by, created_at, updated_by, updated_at)
         VALUES (?, ?, ?, ?, 'email', 'nuovo', ?, ?, ?, ?)`,
      );
      const log = db.prepare(
        `INSERT INTO log_entries (report_seq, id, at, actor_id, kind, action, data, text, mentions)
         VALUES (?, ?, ?, ?, 'event', 'created', ?, NULL, NULL)`,
      );
      for (let i = 1; i <= 200; i++) {
        rep.run(
          i,
          rid(i),
          `2026-${String(i).padStart(6, '0')}`,
          `Buca n. ${i} in via Verdi`,
          LUCIA,
          NOW,
          LUCIA,
          NOW,
        );
        log.run(i, `c-${i}`, NOW + i, LUCIA, JSON.stringify({ code: `2026-${i}` }));
      }
      db.prepare(
        `INSERT INTO mail_mailboxes (id, name, host, port, username, password_sealed, updated_at)
         VALUES ('mbx-1', 'URP', 'imap.comune.example.it', 993, 'urp', 'sealed-secret', ?)`,
      ).run(NOW);
      const snapshot = () => ({
        reports: db.prepare('SELECT * FROM reports ORDER BY seq').all(),
        log: db.prepare('SELECT * FROM log_entries ORDER BY report_seq, id').all(),
        mailboxes: db.prepare('SELECT * FROM mail_mailboxes').all(),
      });
      const before = snapshot();

      // Exactly 0006 (the next migrations change other tables and are tested on their own).
      migrateDatabase(db, migrationsBefore(tmp(), '0007_automations'));

      expect(snapshot()).toEqual(before);
      expect(countByStatus(db)).toEqual({ queued: 0, sending: 0, sent: 0, failed: 0 });
      expect(getSmtp(db)).toBeNull();
      expect(listRules(db)).toEqual([]);
      expect(listTemplates(db)).toEqual([]);

      // The repositories on the migrated file.
      saveSmtp(db, {
        host: 'smtp.comune.example.it',
        port: 587,
        security: 'starttls',
        username: 'urp',
        passwordSealed: 'sealed',
        fromAddress: 'protocollo@comune.example.it',
        fromName: 'Comune di Sant’Agata',
        replyTo: 'urp@comune.example.it',
        enabled: true,
        updatedAt: NOW,
      });
      expect(getSmtp(db)).toMatchObject({
        security: 'starttls',
        fromName: 'Comune di Sant’Agata',
        enabled: true,
      });
      replaceRules(db, [
        { kind: 'receipt', categoryId: null, enabled: false },
        { kind: 'receipt', categoryId: 'cat-1', enabled: true },
      ]);
      expect(listRules(db)).toEqual([
        { kind: 'receipt', categoryId: null, enabled: false },
        { kind: 'receipt', categoryId: 'cat-1', enabled: true },
      ]);
      saveTemplate(db, {
        id: 't1',
        kind: 'reply',
        name: 'Sopralluogo',
        subject: 'S {codice}',
        body: 'Gentile {nome}',
        active: true,
        updatedAt: NOW,
      });
      expect(listTemplates(db).map((t) => t.name)).toEqual(['Sopralluogo']);

      db.transaction(() => {
        for (let i = 1; i <= 2000; i++)
          queueEmail(
            db,
            {
              id: `e-${i}`,
              reportId: rid((i % 200) + 1),
              kind: 'receipt',
              to: `c${i}@example.it`,
              subject: `[SEG-2026-${i}] Ricevuta`,
              text: 'è stata registrata',
              html: null,
              messageId: `<m${i}@sportello>`,
              headers: { 'Auto-Submitted': 'auto-generated' },
              attachments: [],
            },
            NOW + i,
          );
      })();
      db.transaction(() => {
        for (let i = 1; i <= 1500; i++) {
          markSending(db, `e-${i}`, NOW);
          markSent(db, `e-${i}`, NOW + 1);
        }
      })();
      expect(countByStatus(db)).toEqual({ queued: 500, sending: 0, sent: 1500, failed: 0 });
      expect(dueEmails(db, NOW + 1600, 60_000, 10).map((e) => e.id)).toEqual(
        Array.from({ length: 10 }, (_, k) => `e-${1501 + k}`),
      );
      expect(nextDueAt(db)).toBe(NOW + 1501);
      expect(emailsOfReport(db, rid(2)).map((e) => e.id)).toEqual(
        Array.from({ length: 10 }, (_, k) => `e-${1 + k * 200}`),
      );

      const plan = (sql: string, ...args: unknown[]) =>
        (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...args) as { detail: string }[])
          .map((r) => r.detail)
          .join('\n');
      const due = plan(
        `SELECT * FROM mail_outbox
          WHERE (status = 'queued' AND next_attempt_at <= ?) OR (status = 'sending' AND sending_since <= ?)
          ORDER BY next_attempt_at, created_at LIMIT ?`,
        NOW,
        NOW,
        10,
      );
      // Both branches of the OR (due queued rows, abandoned sending rows) search the index.
      expect(due.match(/SEARCH mail_outbox USING INDEX mail_outbox_due/g)).toHaveLength(2);
      expect(due).not.toMatch(/SCAN mail_outbox(?! USING)/);
      expect(plan(`SELECT min(next_attempt_at) AS t FROM mail_outbox WHERE status = 'queued'`)).toMatch(
        /USING (COVERING )?INDEX mail_outbox_due/,
      );
      expect(plan('SELECT * FROM mail_outbox WHERE report_id = ? ORDER BY created_at, id', rid(2))).toMatch(
        /USING INDEX mail_outbox_report/,
      );
      // The rest of the migrations still apply on top, the outbox intact.
      migrateDatabase(db);
      expect(countByStatus(db)).toEqual({ queued: 500, sending: 0, sent: 1500, failed: 0 });
    } finally {
      db.close();
    }
  });
});
