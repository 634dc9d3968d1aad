/**
 * Reads behind the planned-activities list, the agenda, the Cruscotto's "oggi" and a
 * report's Attività panel. Series are expanded here, in memory (see recurrence.ts for
 * why they are not stored occurrence by occurrence).
 */
import type { OccurrenceView, SeriesView } from '../../../src-shared/api/calls-activities';
import type { Activity, ActivityStatus, Occurrence } from '../../../src-shared/domain/activities/activity';
import { occurrenceOverdue } from '../../../src-shared/domain/activities/activity';
import { byStart, occurrencesInWindow } from '../../../src-shared/domain/activities/occurrences';
import { describeRecurrence } from '../../../src-shared/domain/activities/recurrence';
import type { Actor } from '../../../src-shared/domain';
import { canSeeReport } from '../../../src-shared/domain';
import type { Sqlite } from '../migrate';
import { activitiesOfReport, toActivity } from './activities-rows';
import { getReportState } from './entities';
import { visibility } from './reports-list';
import { stmt } from './stmt';

type Row = Record<string, unknown>;
const DAY = 86_400_000;
/** A list never hands the window more than this many occurrences. */
export const MAX_OCCURRENCES = 2000;

export interface ListArgs {
  from: number;
  to: number;
  assignee: { kind: 'user' | 'group'; id: string } | 'mine' | null;
  statuses: ActivityStatus[];
  overdueOnly: boolean;
  reportId: string | null;
}

interface ReportInfo {
  code: string;
  title: string;
}

function namer(db: Sqlite) {
  const users = stmt(db, 'SELECT full_name FROM users WHERE id = ?');
  const groups = stmt(db, 'SELECT name FROM groups WHERE id = ?');
  const seen = new Map<string, string>();
  return (kind: string | null, id: string | null): string | null => {
    if (!kind || !id) return null;
    const key = `${kind}:${id}`;
    let name = seen.get(key);
    if (name === undefined) {
      const r = (kind === 'user' ? users.get(id) : groups.get(id)) as Row | undefined;
      name = r
        ? ((r.full_name ?? r.name) as string)
        : kind === 'user'
          ? 'Utente sconosciuto'
          : 'Gruppo sconosciuto';
      seen.set(key, name);
    }
    return name;
  };
}

function assigneeSql(a: ListArgs['assignee'], actor: Actor, where: string[], params: unknown[]) {
  if (!a) return;
  if (a === 'mine') {
    const g = actor.groupIds;
    where.push(
      `((a.assignee_kind = 'user' AND a.assignee_id = ?)${g.length ? ` OR (a.assignee_kind = 'group' AND a.assignee_id IN (${g.map(() => '?').join(', ')}))` : ''})`,
    );
    params.push(actor.id, ...g);
    return;
  }
  where.push('a.assignee_kind = ? AND a.assignee_id = ?');
  params.push(a.kind, a.id);
}

export function listOccurrences(
  db: Sqlite,
  args: ListArgs,
  actor: Actor,
  now: number,
): { occurrences: OccurrenceView[]; truncated: boolean } {
  const to = args.overdueOnly ? Math.min(args.to, now) : args.to;
  const from = args.from;
  if (to <= from) return { occurrences: [], truncated: false };
  const base: string[] = [];
  const baseParams: unknown[] = [];
  visibility(base, baseParams, actor);
  if (args.reportId) {
    base.push('r.id = ?');
    baseParams.push(args.reportId);
  }
  const reports = new Map<string, ReportInfo>();
  const seqToId = new Map<number, string>();
  const remember = (r: Row) => {
    const id = r.report_id as string;
    reports.set(id, { code: r.report_code as string, title: r.report_title as string });
    seqToId.set(r.report_seq as number, id);
    return id;
  };
  const cols = 'a.*, r.id AS report_id, r.code AS report_code, r.title AS report_title';

  // Singles and overrides starting in the window (partial index on start_at).
  const w1 = [...base, 'a.recurrence IS NULL', 'a.start_at >= ?', 'a.start_at < ?'];
  const p1: unknown[] = [...baseParams, from, to];
  if (args.overdueOnly) w1.push("a.status IN ('da_fare','in_corso')");
  assigneeSql(args.assignee, actor, w1, p1);
  const singles = (
    stmt(
      db,
      `SELECT ${cols} FROM report_activities a INDEXED BY ${args.overdueOnly ? 'report_activities_open' : 'report_activities_start'}
           JOIN reports r ON r.seq = a.report_seq WHERE ${w1.join(' AND ')}
          ORDER BY a.start_at LIMIT ${MAX_OCCURRENCES + 1}`,
    ).all(...p1) as Row[]
  ).map((r) => toActivity(remember(r), r));

  // Series running in the window, with every override of theirs.
  const w2 = [...base, 'a.recurrence IS NOT NULL', '(a.ends_at IS NULL OR a.ends_at > ?)', 'a.start_at < ?'];
  const p2: unknown[] = [...baseParams, from, to];
  assigneeSql(args.assignee, actor, w2, p2);
  const series = (
    stmt(
      db,
      `SELECT ${cols} FROM report_activities a INDEXED BY report_activities_series
           JOIN reports r ON r.seq = a.report_seq WHERE ${w2.join(' AND ')}`,
    ).all(...p2) as Row[]
  ).map((r) => ({ seq: r.report_seq as number, a: toActivity(remember(r), r) }));
  const overrides: Activity[] = [];
  const overridesOf = stmt(
    db,
    'SELECT * FROM report_activities WHERE report_seq = ? AND series_id = ? AND recurrence IS NULL',
  );
  for (const { seq, a } of series) {
    for (const r of overridesOf.all(seq, a.id) as Row[]) overrides.push(toActivity(a.reportId, r));
  }
  const computed = occurrencesInWindow(
    [...series.map((s) => s.a), ...overrides],
    Math.max(from, 0),
    to,
  ).filter((o) => o.computed);

  const rulesText = new Map(series.map((s) => [s.a.id, describeRecurrence(s.a.recurrence!)]));
  let all: Occurrence[] = [...occurrencesInWindow(singles, from, to), ...computed].sort(byStart);
  if (args.statuses.length) all = all.filter((o) => args.statuses.includes(o.status));
  if (args.overdueOnly) all = all.filter((o) => occurrenceOverdue(o, now));
  const truncated = all.length > MAX_OCCURRENCES;
  const name = namer(db);
  return {
    occurrences: all
      .slice(0, MAX_OCCURRENCES)
      .map((o) => view(o, reports.get(o.reportId)!, name, now, rulesText)),
    truncated,
  };
}

function view(
  o: Occurrence,
  rep: ReportInfo,
  name: ReturnType<typeof namer>,
  now: number,
  rules: Map<string, string>,
): OccurrenceView {
  return {
    ...o,
    reportCode: rep.code,
    reportTitle: rep.title,
    assigneeName: name(o.assigneeKind, o.assigneeId),
    overdue: occurrenceOverdue(o, now),
    recurrenceText: o.seriesId ? (rules.get(o.seriesId) ?? null) : null,
  };
}

/** How many of a series' next occurrences a report's panel shows (past open ones always). */
const NEXT_PER_SERIES = 6;

export function activitiesForReport(
  db: Sqlite,
  reportId: string,
  actor: Actor,
  now: number,
): { occurrences: OccurrenceView[]; series: SeriesView[] } | null {
  const st = getReportState(db, reportId);
  if (!st || !canSeeReport(actor, st.assignments)) return null;
  const rows = activitiesOfReport(db, st.seq, reportId);
  const rep = { code: st.report.code, title: st.report.title };
  const name = namer(db);
  const seriesRows = rows.filter((a) => a.recurrence);
  const rules = new Map(seriesRows.map((s) => [s.id, describeRecurrence(s.recurrence!)]));
  // Singles (any time) and overrides; the series' occurrences of the last 60 days and the next year.
  const explicit = occurrencesInWindow(
    rows.filter((a) => !a.recurrence),
    0,
    Number.MAX_SAFE_INTEGER,
  );
  const windowed = occurrencesInWindow(rows, now - 60 * DAY, now + 366 * DAY).filter((o) => o.computed);
  const shown: Occurrence[] = [];
  const perSeries = new Map<string, number>();
  for (const o of windowed) {
    if (o.startAt < now) {
      if (occurrenceOverdue(o, now)) shown.push(o);
      continue;
    }
    const n = perSeries.get(o.seriesId!) ?? 0;
    if (n < NEXT_PER_SERIES) shown.push(o);
    perSeries.set(o.seriesId!, n + 1);
  }
  const occurrences = [...explicit, ...shown].sort(byStart).map((o) => view(o, rep, name, now, rules));
  const series: SeriesView[] = seriesRows.map((s) => ({
    id: s.id,
    title: s.title,
    description: s.description,
    assigneeKind: s.assigneeKind,
    assigneeId: s.assigneeId,
    assigneeName: name(s.assigneeKind, s.assigneeId),
    startAt: s.startAt,
    durationMin: s.durationMin,
    status: s.status,
    recurrence: s.recurrence!,
    recurrenceText: rules.get(s.id)!,
    endsAt: s.endsAt,
  }));
  return { occurrences, series };
}
