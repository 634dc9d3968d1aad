/**
 * Bulk writes for a bootstrap: the same rows write.ts writes, for the tables that make up
 * almost all of a municipality (reports, their log, assignments, reporter links,
 * reporters), with statements prepared once and report seqs remembered, so a child row
 * costs one INSERT and no lookup. The search index is not touched here: the caller
 * rebuilds it once at the end (rebuildSearchIndex).
 */
import type { Sqlite } from '../migrate';

type Row = Record<string, unknown>;

export const BULK_TABLES = new Set([
  'reports',
  'reporters',
  'log_entries',
  'report_assignments',
  'report_reporters',
]);

export function createBulkWriter(db: Sqlite) {
  const seqs = new Map<string, number>();
  const putReport = db
    .prepare(
      `INSERT INTO reports (id, code, title, description, category_id, address, lat, lon, channel, status,
         outcome_id, closing_note, priority, due_at, merged_into, merged_from_status, created_by, created_at, updated_by, updated_at, closed_at)
       VALUES (@id, @code, @title, @description, @categoryId, @address, @lat, @lon, @channel, @status,
         @outcomeId, @closingNote, @priority, @dueAt, @mergedInto, @mergedFromStatus, @createdBy, @createdAt, @updatedBy, @updatedAt, @closedAt)
       ON CONFLICT (id) DO UPDATE SET code = excluded.code, title = excluded.title, description = excluded.description,
         category_id = excluded.category_id, address = excluded.address, lat = excluded.lat, lon = excluded.lon,
         channel = excluded.channel, status = excluded.status, outcome_id = excluded.outcome_id,
         closing_note = excluded.closing_note, priority = excluded.priority, due_at = excluded.due_at,
         merged_into = excluded.merged_into, merged_from_status = excluded.merged_from_status, created_by = excluded.created_by, created_at = excluded.created_at,
         updated_by = excluded.updated_by, updated_at = excluded.updated_at, closed_at = excluded.closed_at
       RETURNING seq`,
    )
    .pluck();
  const findSeq = db.prepare('SELECT seq FROM reports WHERE id = ?').pluck();
  // A child can come before its report (it has an older version): a placeholder holds
  // the place, as in rebase.ts, until the report's own row arrives in the same stream.
  const placeholder = db
    .prepare(
      `INSERT INTO reports (id, code, title, description, address, channel, status, priority, created_by, created_at, updated_by, updated_at)
       VALUES (?, ?, 'Sincronizzazione in corso…', '', '', 'interno', 'nuovo', 'normale', '', ?, '', ?)
       RETURNING seq`,
    )
    .pluck();
  const putLog = db.prepare(
    `INSERT OR REPLACE INTO log_entries (report_seq, id, at, actor_id, kind, action, data, text, mentions)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const putAssignment = db.prepare(
    `INSERT OR REPLACE INTO report_assignments (report_seq, kind, assignee_id, assigned_at, assigned_by)
     VALUES (?, ?, ?, ?, ?)`,
  );
  const putLink = db.prepare(
    'INSERT OR REPLACE INTO report_reporters (report_seq, reporter_id, position) VALUES (?, ?, ?)',
  );
  const putReporter = db.prepare(
    `INSERT OR REPLACE INTO reporters (id, nome, cognome, email, telefono, codice_fiscale, indirizzo, created_at, updated_at)
     VALUES (@id, @nome, @cognome, @email, @telefono, @codiceFiscale, @indirizzo, @createdAt, @updatedAt)`,
  );

  function seqOf(reportId: string, now: number): number {
    let s = seqs.get(reportId);
    if (s !== undefined) return s;
    s =
      (findSeq.get(reportId) as number | undefined) ??
      (placeholder.get(reportId, `~${reportId}`, now, now) as number);
    seqs.set(reportId, s);
    return s;
  }

  return {
    /** Writes a put of one of BULK_TABLES. */
    put(table: string, r: Row, now: number): void {
      switch (table) {
        case 'reports':
          // Rows written before merges existed lack mergedFromStatus.
          seqs.set(r.id as string, putReport.get({ mergedFromStatus: null, ...r }) as number);
          return;
        case 'reporters':
          putReporter.run(r);
          return;
        case 'log_entries': {
          const mentions = r.mentions as unknown[] | null | undefined;
          putLog.run(
            seqOf(r.reportId as string, now),
            r.id,
            r.at,
            r.actorId,
            r.kind,
            r.action,
            r.data ? JSON.stringify(r.data) : null,
            r.text,
            mentions && mentions.length ? JSON.stringify(mentions) : null,
          );
          return;
        }
        case 'report_assignments':
          putAssignment.run(
            seqOf(r.reportId as string, now),
            r.kind,
            r.assigneeId,
            r.assignedAt,
            r.assignedBy,
          );
          return;
        case 'report_reporters':
          putLink.run(seqOf(r.reportId as string, now), r.reporterId, r.position);
          return;
        default:
          throw new Error(`bulk writer: tabella non gestita ${table}`);
      }
    },
    /** A report was removed by other means: forget its seq. */
    forget(reportId: string): void {
      seqs.delete(reportId);
    },
  };
}

export type BulkWriter = ReturnType<typeof createBulkWriter>;
