/** report_activities rows ⇄ domain Activity (the one place that knows its columns). */
import type { Activity } from '../../../src-shared/domain/activities/activity';
import type { Sqlite } from '../migrate';
import { stmt } from './stmt';

type Row = Record<string, unknown>;

export function toActivity(reportId: string, r: Row): Activity {
  return {
    id: r.id as string,
    reportId,
    seriesId: (r.series_id as string | null) ?? null,
    occurrenceStart: (r.occurrence_start as number | null) ?? null,
    title: r.title as string,
    description: r.description as string,
    assigneeKind: (r.assignee_kind as Activity['assigneeKind']) ?? null,
    assigneeId: (r.assignee_id as string | null) ?? null,
    startAt: r.start_at as number,
    durationMin: r.duration_min as number,
    status: r.status as Activity['status'],
    completionNote: (r.completion_note as string | null) ?? null,
    recurrence: r.recurrence ? (JSON.parse(r.recurrence as string) as Activity['recurrence']) : null,
    endsAt: (r.ends_at as number | null) ?? null,
    createdBy: r.created_by as string,
    createdAt: r.created_at as number,
    updatedBy: r.updated_by as string,
    updatedAt: r.updated_at as number,
  };
}

export function putActivity(db: Sqlite, reportSeq: number, a: Activity): void {
  stmt(
    db,
    `INSERT OR REPLACE INTO report_activities (report_seq, id, series_id, occurrence_start, title, description,
       assignee_kind, assignee_id, start_at, duration_min, status, completion_note, recurrence, ends_at,
       created_by, created_at, updated_by, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    reportSeq,
    a.id,
    a.seriesId,
    a.occurrenceStart,
    a.title,
    a.description,
    a.assigneeKind,
    a.assigneeId,
    a.startAt,
    a.durationMin,
    a.status,
    a.completionNote,
    a.recurrence ? JSON.stringify(a.recurrence) : null,
    a.endsAt,
    a.createdBy,
    a.createdAt,
    a.updatedBy,
    a.updatedAt,
  );
}

export function deleteActivity(db: Sqlite, reportSeq: number, id: string): void {
  stmt(db, 'DELETE FROM report_activities WHERE report_seq = ? AND id = ?').run(reportSeq, id);
}

export function getActivity(db: Sqlite, reportSeq: number, reportId: string, id: string): Activity | null {
  const r = stmt(db, 'SELECT * FROM report_activities WHERE report_seq = ? AND id = ?').get(reportSeq, id) as
    Row | undefined;
  return r ? toActivity(reportId, r) : null;
}

/** Every activity of one report (one range read of the primary key). */
export function activitiesOfReport(db: Sqlite, reportSeq: number, reportId: string): Activity[] {
  return (stmt(db, 'SELECT * FROM report_activities WHERE report_seq = ?').all(reportSeq) as Row[]).map((r) =>
    toActivity(reportId, r),
  );
}
