/**
 * Reading through merged reports: the reports merged into a main one (directly or in a
 * chain), whose reporters, attachments and log the main report shows as its own, and
 * the main report a merged one's code leads to.
 */
import type { ReportStatus } from '../../../src-shared/domain';
import type { Sqlite } from '../migrate';
import { stmt } from './stmt';

export interface MergedReport {
  seq: number;
  id: string;
  code: string;
  title: string;
  /** The status it had before it was merged (restored by un-merging). */
  status: ReportStatus;
  createdAt: number;
}

/** Every report merged into `id`, at any depth, oldest first. Uses reports_merged_into. */
export function mergedReports(db: Sqlite, id: string): MergedReport[] {
  return stmt(
    db,
    `WITH RECURSIVE m(id) AS (
       SELECT id FROM reports WHERE merged_into = ?
       UNION SELECT r.id FROM reports r JOIN m ON r.merged_into = m.id
     )
     SELECT r.seq, r.id, r.code, r.title, coalesce(r.merged_from_status, 'nuovo') AS status, r.created_at AS createdAt
       FROM m JOIN reports r ON r.id = m.id ORDER BY r.created_at, r.seq`,
  ).all(id) as MergedReport[];
}

/** The main report at the end of a merge chain (the report itself when not merged). */
export function mainReportOf(db: Sqlite, id: string): string {
  const next = stmt(db, 'SELECT merged_into FROM reports WHERE id = ?').pluck();
  let cur = id;
  for (let i = 0; i < 20; i++) {
    const m = next.get(cur) as string | null | undefined;
    if (!m) return cur;
    cur = m;
  }
  return cur;
}
