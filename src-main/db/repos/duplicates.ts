/**
 * Likely duplicates from the replica: box queries on the reports_geo R*Tree (latitude,
 * longitude, category key, day), one per category of the family, then the exact
 * circle, window and ranking of src-shared/domain/duplicates/rank.ts.
 */
import {
  boxAround,
  distanceM,
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

/** The tree alone: the point and day of every report in the box (32-bit floats). */
const IN_BOX = `SELECT id, min_lat AS lat, min_lon AS lon, min_day AS day FROM reports_geo
  WHERE min_lat >= @minLat AND max_lat <= @maxLat AND min_lon >= @minLon AND max_lon <= @maxLon
    AND min_cat >= @k AND max_cat <= @k AND min_day >= @fromDay AND max_day <= @toDay`;

const ROW = `SELECT seq, id, code, title, description, address, status, category_id AS categoryId,
    lat, lon, created_at AS createdAt FROM reports WHERE seq = ?`;

/**
 * How many of the nearest and newest get the text bonus. In a dense town centre a box
 * holds hundreds of same-family reports of the month; reading and comparing all their
 * texts costs milliseconds, while the tree alone orders them by place and time in a
 * fraction of one. Words then re-rank the best of those.
 */
export const TEXT_RERANK = 30;

/**
 * Candidates for the probe, ranked; excludeIds (the report itself, reports already
 * merged into it) never come back. Empty when the category has suggestions off.
 *
 * Two steps: the R*Tree gives every report of the family in the box with its point
 * and day, ranked on those (no table read); then only the best TEXT_RERANK are read
 * from reports (status, exact values, text) and ranked exactly with the text bonus.
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
  const from = (probe.at - window.days * DAY) / DAY;
  const to = (probe.around ? probe.at + window.days * DAY : probe.at) / DAY;
  const at = probe.at / DAY;
  const inBox = stmt(db, IN_BOX);
  const approx: { seq: number; score: number }[] = [];
  for (const k of keys) {
    for (const g of inBox.all({ ...box, k, fromDay: from - 1, toDay: to + 1 }) as {
      id: number;
      lat: number;
      lon: number;
      day: number;
    }[]) {
      // Float32 points are within a metre, days within minutes: a little slack here,
      // the exact circle and window come after the read.
      if (g.day < from - 0.01 || g.day > to + 0.01) continue;
      const d = distanceM(probe.lat, probe.lon, g.lat, g.lon);
      if (d > window.radiusM + 2) continue;
      approx.push({ seq: g.id, score: d / window.radiusM + Math.abs(at - g.day) / window.days });
    }
  }
  approx.sort((a, b) => a.score - b.score || b.seq - a.seq);
  const exclude = new Set(opts.excludeIds ?? []);
  const row = stmt(db, ROW);
  const rows: DuplicateRow[] = [];
  for (const a of approx) {
    if (rows.length >= TEXT_RERANK) break;
    const r = row.get(a.seq) as DuplicateRow | undefined;
    if (r && r.status !== 'aggregata' && !exclude.has(r.id)) rows.push(r);
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
