/**
 * Likely duplicates from the replica: box queries on the reports_geo R*Tree (latitude,
 * longitude, category key, day), one per category of the family, then the exact
 * circle, window and ranking of src-shared/domain/duplicates/rank.ts.
 */
import {
  boxAround,
  duplicateWindow,
  rankDuplicates,
  type DuplicateProbe,
  type RankedDuplicate,
} from '../../../src-shared/domain/duplicates/rank';
import type { ReadSet, ReportStatus, Snapshot } from '../../../src-shared/domain';
import { aggregationRadius } from '../../../src-shared/domain/duplicates/auto-aggregate';
import type { Sqlite } from '../migrate';
import { REPORT_COLS, toCategory, toReport, toReporter } from './rows';
import { stmt } from './stmt';

const DAY = 86_400_000;

export interface DuplicateRow {
  id: string;
  seq: number;
  code: string;
  title: string;
  description: string;
  address: string;
  status: ReportStatus;
  categoryId: string | null;
  lat: number | null;
  lon: number | null;
  createdAt: number;
}

/** Category ids of the family: the category, its parent, the parent's other children. */
export function familyOf(db: Sqlite, categoryId: string): string[] {
  const parent = stmt(db, 'SELECT parent_id FROM categories WHERE id = ?').pluck().get(categoryId) as
    string | null | undefined;
  const root = parent ?? categoryId;
  const children = stmt(db, 'SELECT id FROM categories WHERE parent_id = ?').pluck().all(root) as string[];
  return [...new Set([root, categoryId, ...children])];
}

const CANDIDATES = `SELECT r.seq, r.id, r.code, r.title, r.description, r.address, r.status,
    r.category_id AS categoryId, r.lat, r.lon, r.created_at AS createdAt
  FROM reports_geo g JOIN reports r ON r.seq = g.id
  WHERE g.min_lat >= @minLat AND g.max_lat <= @maxLat AND g.min_lon >= @minLon AND g.max_lon <= @maxLon
    AND g.min_cat >= @k AND g.max_cat <= @k AND g.min_day >= @fromDay AND g.max_day <= @toDay
    AND r.status <> 'aggregata'`;

/**
 * Candidates for the probe, ranked; excludeIds (the report itself, reports already
 * merged into it) never come back. Empty when the category has suggestions off.
 */
export function findDuplicates(
  db: Sqlite,
  probe: DuplicateProbe,
  opts: { excludeIds?: readonly string[]; limit?: number; window?: { radiusM: number; days: number } } = {},
): RankedDuplicate<DuplicateRow>[] {
  const catRow = stmt(db, 'SELECT * FROM categories WHERE id = ?').get(probe.categoryId) as
    Record<string, unknown> | undefined;
  const window = opts.window ?? duplicateWindow(catRow ? toCategory(catRow) : undefined);
  if (!window) return [];
  const family = opts.window ? [probe.categoryId] : familyOf(db, probe.categoryId);
  const keys = family
    .map((id) => stmt(db, 'SELECT k FROM category_keys WHERE category_id = ?').pluck().get(id) as number)
    .filter((k) => k !== undefined);
  const box = boxAround(probe.lat, probe.lon, window.radiusM);
  // One day to spare on each side: the tree stores 32-bit floats; the exact window is
  // applied on created_at afterwards.
  const fromDay = (probe.at - window.days * DAY) / DAY - 1;
  const toDay = (probe.around ? probe.at + window.days * DAY : probe.at) / DAY + 1;
  const exclude = new Set(opts.excludeIds ?? []);
  const rows: DuplicateRow[] = [];
  const q = stmt(db, CANDIDATES);
  for (const k of keys) {
    for (const r of q.all({ ...box, k, fromDay, toDay }) as DuplicateRow[]) {
      if (!exclude.has(r.id)) rows.push(r);
    }
  }
  return rankDuplicates(probe, window, rows).slice(0, opts.limit ?? 10);
}

/**
 * reads.duplicatesOf for report.create, only when an active rule aggregates: the
 * newest reports of the same category within the largest radius a rule asks for, with
 * their reporters (whose emails a rule may compare). The mutation applies the exact
 * circle, window and rule.
 */
export function loadDuplicateCandidates(
  db: Sqlite,
  s: Snapshot,
  probe: NonNullable<ReadSet['duplicatesOf']>,
): void {
  const radiusM = aggregationRadius(s.rules);
  if (radiusM <= 0) return;
  const k = stmt(db, 'SELECT k FROM category_keys WHERE category_id = ?').pluck().get(probe.categoryId) as
    number | undefined;
  if (k === undefined) return;
  const rows = stmt(
    db,
    `SELECT ${REPORT_COLS.replace(/(^|,\s*)(\w)/g, '$1r.$2')} FROM reports_geo g JOIN reports r ON r.seq = g.id
      WHERE g.min_lat >= @minLat AND g.max_lat <= @maxLat AND g.min_lon >= @minLon AND g.max_lon <= @maxLon
        AND g.min_cat >= @k AND g.max_cat <= @k AND r.merged_into IS NULL AND r.status IN ('nuovo','in_gestione')
      ORDER BY r.created_at DESC LIMIT 200`,
  ).all({ ...boxAround(probe.lat, probe.lon, radiusM), k }) as Record<string, unknown>[];
  const links = stmt(
    db,
    'SELECT reporter_id, position FROM report_reporters WHERE report_seq = ? ORDER BY position',
  );
  const reporter = stmt(db, 'SELECT * FROM reporters WHERE id = ?');
  for (const row of rows) {
    const report = toReport(row);
    const reporters = (links.all(row.seq) as Record<string, unknown>[]).map((l) => ({
      reportId: report.id,
      reporterId: l.reporter_id as string,
      position: l.position as number,
    }));
    for (const l of reporters) {
      if (s.reporters.has(l.reporterId)) continue;
      const p = reporter.get(l.reporterId) as Record<string, unknown> | undefined;
      if (p) s.reporters.set(l.reporterId, toReporter(p));
    }
    // Assignments are not needed to merge into a report; visibility is the mutation's.
    s.duplicateCandidates.push({ report, assignments: [], reporters });
  }
}
