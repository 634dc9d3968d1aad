/** The mail_outbox table: emails waiting, being sent, sent or failed. */
import type { Sqlite } from '../db/migrate';
import { stmt } from '../db/repos/stmt';
import type { EmailKind } from '../../src-shared/mail-out';

export type OutboxStatus = 'queued' | 'sending' | 'sent' | 'failed';

export interface OutgoingAttachment {
  sha256: string;
  fileName: string;
  mime: string;
}

export interface OutgoingEmail {
  id: string;
  reportId: string | null;
  kind: EmailKind;
  to: string;
  subject: string;
  text: string;
  html: string | null;
  messageId: string;
  headers: Record<string, string>;
  attachments: OutgoingAttachment[];
}

export interface OutboxRow extends OutgoingEmail {
  status: OutboxStatus;
  attempts: number;
  nextAttemptAt: number;
  sendingSince: number | null;
  lastError: string | null;
  createdAt: number;
  sentAt: number | null;
}

type Raw = Record<string, unknown>;

/**
 * The columns a PC's outbox (SQLite) and the server's (PostgreSQL) share, read from a raw
 * row; `json` reads a JSON column (text in SQLite, already parsed jsonb in PostgreSQL).
 */
export function outboxFields(
  r: Raw,
  json: (v: unknown) => unknown,
): Omit<OutboxRow, 'nextAttemptAt' | 'sendingSince'> {
  return {
    id: r.id as string,
    reportId: (r.report_id as string | null) ?? null,
    kind: r.kind as EmailKind,
    to: r.to_address as string,
    subject: r.subject as string,
    text: r.text as string,
    html: (r.html as string | null) ?? null,
    messageId: r.message_id as string,
    headers: json(r.headers) as Record<string, string>,
    attachments: json(r.attachments) as OutgoingAttachment[],
    status: r.status as OutboxStatus,
    attempts: Number(r.attempts),
    lastError: (r.last_error as string | null) ?? null,
    createdAt: Number(r.created_at),
    sentAt: r.sent_at === null || r.sent_at === undefined ? null : Number(r.sent_at),
  };
}

const toRow = (r: Raw): OutboxRow => ({
  ...outboxFields(r, (v) => JSON.parse(v as string)),
  nextAttemptAt: r.next_attempt_at as number,
  sendingSince: (r.sending_since as number | null) ?? null,
});

export function queueEmail(db: Sqlite, e: OutgoingEmail, now: number): void {
  stmt(
    db,
    `INSERT INTO mail_outbox (id, report_id, kind, to_address, subject, text, html, message_id, headers,
       attachments, status, attempts, next_attempt_at, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'queued', 0, ?, ?)`,
  ).run(
    e.id,
    e.reportId,
    e.kind,
    e.to,
    e.subject,
    e.text,
    e.html,
    e.messageId,
    JSON.stringify(e.headers),
    JSON.stringify(e.attachments),
    now,
    now,
  );
}

/**
 * Rows due now: queued ones whose time has come, and `sending` ones abandoned longer
 * than staleMs ago (a process that died between handing the message to the SMTP server
 * and marking it sent). Oldest first.
 */
export function dueEmails(db: Sqlite, now: number, staleMs: number, limit: number): OutboxRow[] {
  return (
    stmt(
      db,
      `SELECT * FROM mail_outbox
        WHERE (status = 'queued' AND next_attempt_at <= ?) OR (status = 'sending' AND sending_since <= ?)
        ORDER BY next_attempt_at, created_at LIMIT ?`,
    ).all(now, now - staleMs, limit) as Raw[]
  ).map(toRow);
}

/** The soonest moment a queued row becomes due (null: nothing waits). */
export function nextDueAt(db: Sqlite): number | null {
  const r = stmt(db, `SELECT min(next_attempt_at) AS t FROM mail_outbox WHERE status = 'queued'`).get() as {
    t: number | null;
  };
  return r.t;
}

export function markSending(db: Sqlite, id: string, now: number): void {
  stmt(
    db,
    `UPDATE mail_outbox SET status = 'sending', sending_since = ?, attempts = attempts + 1 WHERE id = ?`,
  ).run(now, id);
}

export function markSent(db: Sqlite, id: string, now: number): void {
  stmt(
    db,
    `UPDATE mail_outbox SET status = 'sent', sent_at = ?, sending_since = NULL, last_error = NULL WHERE id = ?`,
  ).run(now, id);
}

export function markRetry(db: Sqlite, id: string, nextAt: number, error: string): void {
  stmt(
    db,
    `UPDATE mail_outbox SET status = 'queued', next_attempt_at = ?, sending_since = NULL, last_error = ?
      WHERE id = ?`,
  ).run(nextAt, error, id);
}

export function markFailed(db: Sqlite, id: string, error: string): void {
  stmt(db, `UPDATE mail_outbox SET status = 'failed', sending_since = NULL, last_error = ? WHERE id = ?`).run(
    error,
    id,
  );
}

/** "Riprova": a failed row goes back to the queue with a fresh count of attempts. */
export function requeue(db: Sqlite, id: string, now: number): boolean {
  return (
    stmt(
      db,
      `UPDATE mail_outbox SET status = 'queued', attempts = 0, next_attempt_at = ?, last_error = NULL
        WHERE id = ? AND status = 'failed'`,
    ).run(now, id).changes === 1
  );
}

export function getEmail(db: Sqlite, id: string): OutboxRow | null {
  const r = stmt(db, 'SELECT * FROM mail_outbox WHERE id = ?').get(id) as Raw | undefined;
  return r ? toRow(r) : null;
}

export function emailsOfReport(db: Sqlite, reportId: string): OutboxRow[] {
  return (
    stmt(db, 'SELECT * FROM mail_outbox WHERE report_id = ? ORDER BY created_at, id').all(reportId) as Raw[]
  ).map(toRow);
}

export function countByStatus(db: Sqlite): Record<OutboxStatus, number> {
  const out: Record<OutboxStatus, number> = { queued: 0, sending: 0, sent: 0, failed: 0 };
  for (const r of stmt(db, 'SELECT status, count(*) AS n FROM mail_outbox GROUP BY status').all() as {
    status: OutboxStatus;
    n: number;
  }[])
    out[r.status] = r.n;
  return out;
}
