/**
 * The supervisors' dashboard. Counts by status, category, channel and assignee come
 * from the trigger-kept monthly summaries (schema-stats.ts) plus the period's partial
 * edge months counted from `reports`; days to close come from the covering index
 * stats_close_time (average by GROUP BY, exact median by OFFSET); trends count Rome
 * weeks and months with range counts on indexes.
 *
 * Suppliers see only their reports: for them (rarely given "statistiche") every figure
 * is counted from `reports` with the list's visibility clause instead.
 */
import type { Stats } from '../../src-shared/api/calls-stats';
import type { Actor } from '../../src-shared/domain';
import { CHANNELS, isSupplier, REPORT_STATUSES } from '../../src-shared/domain';
import type { Sqlite } from '../db/migrate';
import { visibility } from '../db/repos/reports-list';
import { stmt } from '../db/repos/stmt';
import { CHANNEL_LABELS } from '../export/export-rows';
import { romeMidnight, romeWallDate } from '../export/rome-time';

const DAY = 86_400_000;
const WEEKS_SHOWN = 26;
const MONTHS_SHOWN = 60;

type Row = Record<string, unknown>;
type Status = (typeof REPORT_STATUSES)[number];

export interface Period {
  from: number | null;
  to: number | null;
}

const monthKey = (ms: number) => {
  const d = new Date(ms);
  return d.getUTCFullYear() * 100 + d.getUTCMonth() + 1;
};
const utcMonthStart = (ms: number) => {
  const d = new Date(ms);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
};
const nextUtcMonth = (ms: number) => {
  const d = new Date(ms);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
};

/** Whole summary months inside [from, to) and the raw edges around them. */
export function splitPeriod(p: Period): {
  months: { min: number | null; max: number | null } | null;
  edges: [number, number][];
} {
  const fullStart = p.from == null ? null : utcMonthStart(p.from) === p.from ? p.from : nextUtcMonth(p.from);
  const fullEnd = p.to == null ? null : utcMonthStart(p.to);
  if (fullStart != null && fullEnd != null && fullStart >= fullEnd) {
    return { months: null, edges: p.from! < p.to! ? [[p.from!, p.to!]] : [] };
  }
  const edges: [number, number][] = [];
  if (p.from != null && fullStart != null && p.from < fullStart) edges.push([p.from, fullStart]);
  if (p.to != null && fullEnd != null && fullEnd < p.to) edges.push([fullEnd, p.to]);
  return {
    months: {
      min: fullStart == null ? null : monthKey(fullStart),
      max: fullEnd == null ? null : monthKey(fullEnd),
    },
    edges,
  };
}

function rangeWhere(col: string, p: Period, where: string[], params: unknown[]) {
  if (p.from != null) {
    where.push(`${col} >= ?`);
    params.push(p.from);
  }
  if (p.to != null) {
    where.push(`${col} < ?`);
    params.push(p.to);
  }
}

function monthWhere(m: { min: number | null; max: number | null }) {
  const where: string[] = [];
  const params: unknown[] = [];
  if (m.min != null) {
    where.push('month >= ?');
    params.push(m.min);
  }
  if (m.max != null) {
    where.push('month < ?');
    params.push(m.max);
  }
  return { where, params };
}

const W = (where: string[]) => (where.length ? 'WHERE ' + where.join(' AND ') : '');

interface Dims {
  /** status → category ('' = none) → channel → n */
  add(status: string, category: string, channel: string, n: number): void;
}

function countDims(db: Sqlite, actor: Actor, p: Period, d: Dims) {
  if (isSupplier(actor)) {
    const where: string[] = [];
    const params: unknown[] = [];
    rangeWhere('r.created_at', p, where, params);
    visibility(where, params, actor);
    for (const [s, c, ch, n] of stmt(
      db,
      `SELECT r.status, coalesce(r.category_id, ''), r.channel, count(*) FROM reports r ${W(where)} GROUP BY 1, 2, 3`,
    )
      .raw()
      .all(...params) as [string, string, string, number][])
      d.add(s, c, ch, n);
    return;
  }
  const split = splitPeriod(p);
  if (split.months) {
    const { where, params } = monthWhere(split.months);
    for (const [s, c, ch, n] of stmt(
      db,
      `SELECT status, category_id, channel, n FROM stats_counts ${W(where)}`,
    )
      .raw()
      .all(...params) as [string, string, string, number][])
      d.add(s, c, ch, n);
  }
  const edge = stmt(
    db,
    `SELECT status, coalesce(category_id, ''), channel, count(*) FROM reports INDEXED BY stats_created_dims
       WHERE created_at >= ? AND created_at < ? GROUP BY 1, 2, 3`,
  ).raw();
  for (const [a, b] of split.edges)
    for (const [s, c, ch, n] of edge.all(a, b) as [string, string, string, number][]) d.add(s, c, ch, n);
}

function countAssignees(
  db: Sqlite,
  actor: Actor,
  p: Period,
  add: (status: string, kind: string, id: string, n: number) => void,
) {
  if (isSupplier(actor)) {
    const where: string[] = [];
    const params: unknown[] = [];
    rangeWhere('r.created_at', p, where, params);
    visibility(where, params, actor);
    for (const [s, k, id, n] of stmt(
      db,
      `SELECT r.status, a.kind, a.assignee_id, count(*) FROM reports r JOIN report_assignments a ON a.report_seq = r.seq
         ${W(where)} GROUP BY 1, 2, 3`,
    )
      .raw()
      .all(...params) as [string, string, string, number][])
      add(s, k, id, n);
    return;
  }
  const split = splitPeriod(p);
  if (split.months) {
    const { where, params } = monthWhere(split.months);
    for (const [s, k, id, n] of stmt(
      db,
      `SELECT status, kind, assignee_id, n FROM stats_assignee_counts ${W(where)}`,
    )
      .raw()
      .all(...params) as [string, string, string, number][])
      add(s, k, id, n);
  }
  const edge = stmt(
    db,
    `SELECT r.status, a.kind, a.assignee_id, count(*) FROM reports r INDEXED BY stats_created_dims
       JOIN report_assignments a ON a.report_seq = r.seq
       WHERE r.created_at >= ? AND r.created_at < ? GROUP BY 1, 2, 3`,
  ).raw();
  for (const [a, b] of split.edges)
    for (const [s, k, id, n] of edge.all(a, b) as [string, string, string, number][]) add(s, k, id, n);
}

/** Counts by status, category, channel and assignee: the part `dashboard_1m_ms` measures. */
export function statsCounts(db: Sqlite, actor: Actor, p: Period) {
  // Merged reports ('aggregata') are counted once, as their main report.
  const byStatus: Record<Exclude<Status, 'aggregata'>, number> = { nuovo: 0, in_gestione: 0, chiuso: 0 };
  const byCategory = new Map<string, number>();
  const byChannel = new Map<string, number>();
  countDims(db, actor, p, {
    add(s, c, ch, n) {
      if (n === 0) return;
      if (!(s in byStatus)) return;
      byStatus[s as keyof typeof byStatus] += n;
      byCategory.set(c, (byCategory.get(c) ?? 0) + n);
      byChannel.set(ch, (byChannel.get(ch) ?? 0) + n);
    },
  });
  const byAssignee = new Map<string, { kind: string; id: string; n: number; open: number }>();
  countAssignees(db, actor, p, (s, kind, id, n) => {
    if (n === 0) return;
    const key = `${kind}:${id}`;
    let a = byAssignee.get(key);
    if (!a) byAssignee.set(key, (a = { kind, id, n: 0, open: 0 }));
    a.n += n;
    if (s !== 'chiuso') a.open += n;
  });
  return { byStatus, byCategory, byChannel, byAssignee };
}

/** Average and exact median of days from creation to closing, per category, closed in the period. */
export function closeTimes(db: Sqlite, actor: Actor, p: Period) {
  const where = ['r.closed_at IS NOT NULL'];
  const params: unknown[] = [];
  rangeWhere('r.closed_at', p, where, params);
  visibility(where, params, actor);
  const groups = stmt(
    db,
    `SELECT r.category_id, count(*), avg(r.closed_at - r.created_at) FROM reports r INDEXED BY stats_close_time
       ${W(where)} GROUP BY r.category_id`,
  )
    .raw()
    .all(...params) as [string | null, number, number][];
  const nth = stmt(
    db,
    `SELECT r.closed_at - r.created_at FROM reports r INDEXED BY stats_close_time
       ${W(where)} AND r.category_id IS ? ORDER BY r.closed_at - r.created_at LIMIT ? OFFSET ?`,
  ).pluck();
  return groups.map(([categoryId, n, avg]) => {
    const mid = (
      n % 2 === 1
        ? nth.all(...params, categoryId, 1, (n - 1) / 2)
        : nth.all(...params, categoryId, 2, n / 2 - 1)
    ) as number[];
    const median = mid.reduce((s, x) => s + x, 0) / mid.length;
    return { categoryId, n, avgDays: avg / DAY, medianDays: median / DAY };
  });
}

const MONTHS_IT = ['gen', 'feb', 'mar', 'apr', 'mag', 'giu', 'lug', 'ago', 'set', 'ott', 'nov', 'dic'];

/** Rome week (Monday) and month starts covering [from, to). */
export function periodStarts(from: number, to: number, unit: 'week' | 'month'): number[] {
  const w = romeWallDate(from);
  let y = w.getUTCFullYear();
  let m = w.getUTCMonth();
  let d = unit === 'month' ? 1 : w.getUTCDate() - ((w.getUTCDay() + 6) % 7);
  const out: number[] = [];
  for (let start = romeMidnight(y, m, d); start < to;) {
    out.push(start);
    if (unit === 'month') m++;
    else d += 7;
    const n = new Date(Date.UTC(y, m, d));
    y = n.getUTCFullYear();
    m = n.getUTCMonth();
    d = n.getUTCDate();
    start = romeMidnight(y, m, d);
  }
  return out;
}

function trend(db: Sqlite, actor: Actor, from: number, to: number, unit: 'week' | 'month') {
  let starts = periodStarts(from, to, unit);
  starts = starts.slice(-(unit === 'week' ? WEEKS_SHOWN : MONTHS_SHOWN));
  const vis: string[] = [];
  const vp: unknown[] = [];
  visibility(vis, vp, actor);
  const extra = vis.length ? ' AND ' + vis.join(' AND ') : '';
  const created = stmt(
    db,
    `SELECT count(*) FROM reports r INDEXED BY reports_created WHERE r.created_at >= ? AND r.created_at < ?${extra}`,
  ).pluck();
  const closed = stmt(
    db,
    `SELECT count(*) FROM reports r INDEXED BY stats_closed_at WHERE r.closed_at IS NOT NULL AND r.closed_at >= ? AND r.closed_at < ?${extra}`,
  ).pluck();
  return starts.map((s, i) => {
    const a = Math.max(s, from);
    const b = Math.min(starts[i + 1] ?? to, to);
    const wall = romeWallDate(s);
    const label =
      unit === 'month'
        ? `${MONTHS_IT[wall.getUTCMonth()]} ${wall.getUTCFullYear()}`
        : `${String(wall.getUTCDate()).padStart(2, '0')}/${String(wall.getUTCMonth() + 1).padStart(2, '0')}/${wall.getUTCFullYear()}`;
    return {
      start: s,
      label,
      created: created.get(a, b, ...vp) as number,
      closed: closed.get(a, b, ...vp) as number,
    };
  });
}

export function getStats(db: Sqlite, actor: Actor, now: number, p: Period): Stats {
  const counts = statsCounts(db, actor, p);
  const cats = stmt(db, 'SELECT id, parent_id, name FROM categories').all() as Row[];
  const catById = new Map(cats.map((c) => [c.id as string, c]));
  const catLabel = (id: string | null) => {
    if (!id) return 'Senza categoria';
    const c = catById.get(id);
    if (!c) return 'Categoria rimossa';
    const parent = c.parent_id ? catById.get(c.parent_id as string) : undefined;
    return parent ? `${parent.name as string} > ${c.name as string}` : (c.name as string);
  };
  const byCategory: Stats['byCategory'] = [];
  const parentTotals = new Map<string, number>();
  for (const [id, n] of counts.byCategory) {
    const c = catById.get(id);
    const parentId = (c?.parent_id as string | null) ?? null;
    if (parentId) {
      byCategory.push({ key: id, label: catLabel(id), n, parentId });
      parentTotals.set(parentId, (parentTotals.get(parentId) ?? 0) + n);
    } else parentTotals.set(id, (parentTotals.get(id) ?? 0) + n);
  }
  for (const [id, n] of parentTotals)
    byCategory.push({ key: id, label: catLabel(id || null), n, parentId: null });
  byCategory.sort((a, b) => b.n - a.n);

  const users = new Map(
    (stmt(db, 'SELECT id, full_name FROM users').all() as Row[]).map((u) => [
      u.id as string,
      u.full_name as string,
    ]),
  );
  const groups = new Map(
    (stmt(db, 'SELECT id, name FROM groups').all() as Row[]).map((g) => [g.id as string, g.name as string]),
  );
  const byAssignee: Stats['byAssignee'] = [...counts.byAssignee.values()]
    .map((a) => ({
      key: `${a.kind}:${a.id}`,
      kind: a.kind as 'user' | 'group',
      label: (a.kind === 'user' ? users.get(a.id) : groups.get(a.id)) ?? 'Sconosciuto',
      n: a.n,
      open: a.open,
    }))
    .sort((a, b) => b.n - a.n);

  const ow = ["r.status IN ('nuovo','in_gestione')", 'r.due_at IS NOT NULL', 'r.due_at < ?'];
  const op: unknown[] = [now];
  rangeWhere('r.created_at', p, ow, op);
  visibility(ow, op, actor);
  const overdue = stmt(db, `SELECT count(*) FROM reports r INDEXED BY reports_open_due ${W(ow)}`)
    .pluck()
    .get(...op) as number;

  const first =
    p.from ?? (stmt(db, 'SELECT min(created_at) FROM reports').pluck().get() as number | null) ?? now;
  const last = p.to ?? now + 1;

  return {
    from: p.from,
    to: p.to,
    total: counts.byStatus.nuovo + counts.byStatus.in_gestione + counts.byStatus.chiuso,
    byStatus: counts.byStatus,
    byCategory,
    byChannel: CHANNELS.map((c) => ({
      key: c,
      label: CHANNEL_LABELS[c] ?? c,
      n: counts.byChannel.get(c) ?? 0,
    })),
    byAssignee,
    overdue,
    closeTimes: closeTimes(db, actor, p)
      .map((x) => ({ ...x, label: catLabel(x.categoryId) }))
      .sort((a, b) => b.n - a.n),
    weekly: first < last ? trend(db, actor, first, last, 'week') : [],
    monthly: first < last ? trend(db, actor, first, last, 'month') : [],
  };
}
