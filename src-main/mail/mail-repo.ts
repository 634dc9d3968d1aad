/** SQL of the mail intake: its bookkeeping tables and the few lookups it needs. */
import type { Sqlite } from '../db/migrate';
import { stmt } from '../db/repos/stmt';

export interface HandledMessage {
  kind: string;
  reportId: string | null;
}

export function handledMessage(db: Sqlite, mailboxId: string, mailKey: string): HandledMessage | null {
  const r = stmt(db, 'SELECT kind, report_id FROM mail_messages WHERE mailbox_id = ? AND mail_key = ?').get(
    mailboxId,
    mailKey,
  ) as { kind: string; report_id: string | null } | undefined;
  return r ? { kind: r.kind, reportId: r.report_id } : null;
}

export function recordMessage(
  db: Sqlite,
  m: {
    mailboxId: string;
    mailKey: string;
    messageId: string | null;
    kind: string;
    reportId: string | null;
    at: number;
  },
): void {
  stmt(
    db,
    `INSERT OR IGNORE INTO mail_messages (mailbox_id, mail_key, message_id, kind, report_id, at)
     VALUES (@mailboxId, @mailKey, @messageId, @kind, @reportId, @at)`,
  ).run(m);
}

export function hasMessageId(db: Sqlite, mailboxId: string, messageId: string): boolean {
  return !!stmt(db, 'SELECT 1 FROM mail_messages WHERE mailbox_id = ? AND message_id = ?').get(
    mailboxId,
    messageId,
  );
}

export function reportExists(db: Sqlite, id: string): { id: string; mergedInto: string | null } | null {
  const r = stmt(db, 'SELECT id, merged_into FROM reports WHERE id = ?').get(id) as
    { id: string; merged_into: string | null } | undefined;
  return r ? { id: r.id, mergedInto: r.merged_into } : null;
}

export function reportIdByCode(db: Sqlite, code: string): string | null {
  const r = (stmt(db, 'SELECT id FROM reports WHERE code = ?').get(code) ??
    stmt(db, 'SELECT report_id AS id FROM report_codes WHERE code = ?').get(code)) as
    { id: string } | undefined;
  return r?.id ?? null;
}

export function reportReporterEmails(db: Sqlite, reportId: string): string[] {
  return (
    stmt(
      db,
      `SELECT lower(rp.email) AS email FROM reports r JOIN report_reporters rr ON rr.report_seq = r.seq
       JOIN reporters rp ON rp.id = rr.reporter_id WHERE r.id = ? AND rp.email IS NOT NULL`,
    ).all(reportId) as { email: string }[]
  ).map((r) => r.email);
}

/** "Da classificare": the category new mail lands in, when the municipality has one. */
export function inboxCategoryId(db: Sqlite): string | null {
  const r = stmt(
    db,
    "SELECT id FROM categories WHERE name = 'Da classificare' COLLATE NOCASE AND active = 1 LIMIT 1",
  ).get() as { id: string } | undefined;
  return r?.id ?? null;
}

export interface FolderState {
  uidValidity: string;
  lastUid: number;
}

export function folderState(db: Sqlite, mailboxId: string, folder: string): FolderState | null {
  const r = stmt(
    db,
    'SELECT uid_validity, last_uid FROM mail_folder_state WHERE mailbox_id = ? AND folder = ?',
  ).get(mailboxId, folder) as { uid_validity: string; last_uid: number } | undefined;
  return r ? { uidValidity: r.uid_validity, lastUid: r.last_uid } : null;
}

export function saveFolderState(
  db: Sqlite,
  mailboxId: string,
  folder: string,
  s: FolderState,
  at: number,
): void {
  stmt(
    db,
    `INSERT INTO mail_folder_state (mailbox_id, folder, uid_validity, last_uid, updated_at) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (mailbox_id, folder) DO UPDATE SET uid_validity = excluded.uid_validity,
       last_uid = excluded.last_uid, updated_at = excluded.updated_at`,
  ).run(mailboxId, folder, s.uidValidity, s.lastUid, at);
}

export function reportsWithNewReply(db: Sqlite, reportIds: string[]): Set<string> {
  const out = new Set<string>();
  for (const id of reportIds) {
    const r = stmt(
      db,
      `SELECT action FROM log_entries l JOIN reports r ON r.seq = l.report_seq
       WHERE r.id = ? AND l.action IN ('mail_in', 'mail_reply_seen') ORDER BY l.at DESC, l.id DESC LIMIT 1`,
    ).get(id) as { action: string } | undefined;
    if (r?.action === 'mail_in') out.add(id);
  }
  return out;
}
