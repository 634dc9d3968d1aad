/** A replica's business data as plain sorted rows, to compare replicas with each other. */
import type { Sqlite } from '../../db/migrate';

const QUERIES: Record<string, string> = {
  reports: `SELECT id, code, title, description, category_id, address, lat, lon, channel, status, outcome_id,
    closing_note, priority, due_at, merged_into, created_by, created_at, updated_by, updated_at, closed_at
    FROM reports ORDER BY id`,
  report_codes: 'SELECT code, report_id FROM report_codes ORDER BY code',
  report_assignments: `SELECT r.id AS report_id, a.kind, a.assignee_id, a.assigned_at, a.assigned_by
    FROM report_assignments a JOIN reports r ON r.seq = a.report_seq ORDER BY r.id, a.kind, a.assignee_id`,
  report_reporters: `SELECT r.id AS report_id, x.reporter_id, x.position
    FROM report_reporters x JOIN reports r ON r.seq = x.report_seq ORDER BY r.id, x.reporter_id`,
  reporters: 'SELECT * FROM reporters ORDER BY id',
  attachments: `SELECT a.id, r.id AS report_id, a.sha256, a.file_name, a.mime, a.size, a.has_thumb, a.created_by, a.created_at
    FROM attachments a JOIN reports r ON r.seq = a.report_seq ORDER BY a.id`,
  log_entries: `SELECT r.id AS report_id, l.id, l.at, l.actor_id, l.kind, l.action, l.data, l.text, l.mentions
    FROM log_entries l JOIN reports r ON r.seq = l.report_seq ORDER BY l.id`,
  categories: 'SELECT * FROM categories ORDER BY id',
  outcomes: 'SELECT * FROM outcomes ORDER BY id',
  users: 'SELECT * FROM users ORDER BY id',
  groups: 'SELECT * FROM groups ORDER BY id',
  group_members: 'SELECT * FROM group_members ORDER BY group_id, user_id',
  automation_rules: 'SELECT * FROM automation_rules ORDER BY id',
  report_activities: `SELECT r.id AS report_id, a.id, a.series_id, a.occurrence_start, a.title, a.description,
    a.assignee_kind, a.assignee_id, a.start_at, a.duration_min, a.status, a.completion_note, a.recurrence, a.ends_at,
    a.created_by, a.created_at, a.updated_by, a.updated_at
    FROM report_activities a JOIN reports r ON r.seq = a.report_seq ORDER BY a.id`,
  address_book: 'SELECT * FROM address_book ORDER BY id',
};

export function dumpReplica(db: Sqlite): Record<string, unknown[]> {
  const out: Record<string, unknown[]> = {};
  for (const [t, q] of Object.entries(QUERIES)) out[t] = db.prepare(q).all();
  return out;
}

/** Which reports a full-text search finds (the index must converge too). */
export function ftsIds(db: Sqlite, word: string): string[] {
  return (
    db
      .prepare(
        'SELECT r.id FROM reports_fts f JOIN reports r ON r.seq = f.rowid WHERE reports_fts MATCH ? ORDER BY r.id',
      )
      .all(`"${word.replace(/"/g, '""')}"`) as { id: string }[]
  ).map((r) => r.id);
}
