/** SQL of the review inbox ("Da revisionare"): parked messages and their decisions. */
import type { Sqlite } from '../db/migrate';
import { stmt } from '../db/repos/stmt';

export type ReviewStatus = 'pending' | 'confirmed' | 'discarded';

export interface ReviewRow {
  mailboxId: string;
  mailKey: string;
  reportId: string;
  receivedAt: number;
  args: Record<string, unknown>;
  status: ReviewStatus;
  decidedBy: string | null;
  decidedAt: number | null;
  note: string | null;
}

type Raw = Record<string, unknown>;
const toRow = (r: Raw): ReviewRow => ({
  mailboxId: r.mailbox_id as string,
  mailKey: r.mail_key as string,
  reportId: r.report_id as string,
  receivedAt: r.received_at as number,
  args: JSON.parse(r.args as string) as Record<string, unknown>,
  status: r.status as ReviewStatus,
  decidedBy: (r.decided_by as string | null) ?? null,
  decidedAt: (r.decided_at as number | null) ?? null,
  note: (r.note as string | null) ?? null,
});

export function parkMessage(
  db: Sqlite,
  m: { mailboxId: string; mailKey: string; reportId: string; receivedAt: number; args: unknown },
): void {
  stmt(
    db,
    `INSERT OR IGNORE INTO mail_review (mailbox_id, mail_key, report_id, received_at, args)
     VALUES (?, ?, ?, ?, ?)`,
  ).run(m.mailboxId, m.mailKey, m.reportId, m.receivedAt, JSON.stringify(m.args));
}

export function pendingReviews(db: Sqlite, limit = 200): ReviewRow[] {
  return (
    stmt(db, "SELECT * FROM mail_review WHERE status = 'pending' ORDER BY received_at, mail_key LIMIT ?").all(
      limit,
    ) as Raw[]
  ).map(toRow);
}

export function reviewByReportId(db: Sqlite, reportId: string): ReviewRow | null {
  const r = stmt(db, 'SELECT * FROM mail_review WHERE report_id = ?').get(reportId) as Raw | undefined;
  return r ? toRow(r) : null;
}

export function decideReview(
  db: Sqlite,
  reportId: string,
  d: { status: Exclude<ReviewStatus, 'pending'>; by: string; at: number; note: string | null },
): boolean {
  return (
    stmt(
      db,
      `UPDATE mail_review SET status = ?, decided_by = ?, decided_at = ?, note = ?
       WHERE report_id = ? AND status = 'pending'`,
    ).run(d.status, d.by, d.at, d.note, reportId).changes === 1
  );
}
