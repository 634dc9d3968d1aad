/**
 * stats.get against figures computed independently from the rows themselves, over a
 * municipality built through the API across several months (so summary months, edge
 * months, reassignments, status changes and category changes all occur).
 */
import { afterEach, beforeAll, afterAll, describe, expect, it } from 'vitest';
import type { Stats } from '../../src-shared/api/calls-stats';
import { buildFixture, type Fixture } from '../testing/fixtures';
import { createTestWorld, type TestWorld } from '../testing/test-core';
import { splitPeriod } from './stats-read';

let w: TestWorld;
let f: Fixture;
let clerk: string;
let supplierStats: string;
let admin: string;
let plainSupplier: string;
let supplierStatsId: string;
const DAY = 86_400_000;

const login = async (u: string) =>
  (await w.ok<{ token: string }>('auth.login', { username: u, password: 'password-' + u })).token;

beforeAll(async () => {
  w = await createTestWorld();
  w.clock.now = Date.UTC(2026, 0, 10, 9);
  f = await buildFixture(w);
  supplierStatsId = (
    await w.ok<{ id: string }>(
      'settings.users.save',
      {
        username: 'ditta.verde',
        fullName: 'Verde Srl',
        role: 'fornitore',
        permissions: {
          canReply: false,
          majorEdits: false,
          seesReporterData: false,
          statistics: true,
          export: false,
        },
        password: 'password-ditta.verde',
      },
      f.admin,
    )
  ).id;
  const lampId = (
    await w.ok<{ id: string }>(
      'settings.categories.save',
      { parentId: f.stradaId, name: 'Lampione' },
      f.admin,
    )
  ).id;
  const cats = [f.bucaId, lampId, f.stradaId, null];
  const channels = ['telefono', 'email', 'sportello', 'web'];
  const ids: string[] = [];
  for (let i = 0; i < 48; i++) {
    clerk = await login('lucia.verdi');
    const { id } = await w.ok<{ id: string }>(
      'reports.create',
      {
        fields: {
          title: `Segnalazione numero ${i}`,
          categoryId: cats[i % 4],
          channel: channels[i % 3 === 0 ? 3 : i % 4],
        },
      },
      clerk,
    );
    ids.push(id);
    if (i % 3 === 0) await w.ok('reports.assign', { id, kind: 'user', assigneeId: f.colleagueId }, clerk);
    if (i % 5 === 0)
      await w.ok('reports.assign', { id, kind: 'group', assigneeId: f.supplierGroupId }, clerk);
    if (i % 7 === 0) await w.ok('reports.assign', { id, kind: 'user', assigneeId: supplierStatsId }, clerk);
    if (i % 4 === 1) await w.ok('reports.takeInCharge', { id }, clerk);
    // Roughly two and a half days apart: spans January to mid-May, edges mid-month.
    w.clock.advance(2.5 * DAY + 3_600_000 * (i % 5));
    if (i % 4 === 1 && i % 8 === 1) {
      clerk = await login('lucia.verdi');
      await w.ok('reports.close', { id: ids[i - 0]!, outcomeId: f.positivoId }, clerk);
    }
  }
  clerk = await login('lucia.verdi');
  // Later changes the summaries must follow: a recategorisation, a reassignment, a reopening.
  await w.ok('reports.update', { id: ids[2]!, patch: { categoryId: f.bucaId, channel: 'pec' } }, clerk);
  await w.ok('reports.unassign', { id: ids[0]!, kind: 'user', assigneeId: f.colleagueId }, clerk);
  await w.ok('reports.assign', { id: ids[5]!, kind: 'user', assigneeId: f.colleagueId }, clerk);
  await w.ok('reports.takeInCharge', { id: ids[6]! }, clerk);
  await w.ok('reports.close', { id: ids[6]!, outcomeId: f.positivoId }, clerk);
  supplierStats = await login('ditta.verde');
  plainSupplier = await login('ditta.asfalti');
  admin = (await w.ok<{ token: string }>('auth.login', { username: 'admin', password: 'admin-password' }))
    .token;
});
afterAll(() => w.cleanup());
afterEach(() => undefined);

interface R {
  seq: number;
  status: string;
  category_id: string | null;
  parent_id: string | null;
  channel: string;
  created_at: number;
  closed_at: number | null;
  due_at: number | null;
}

function expected(from: number | null, to: number | null, visibleTo?: string) {
  const db = w.core.services.db;
  let rows = db
    .prepare(
      `SELECT r.seq, r.status, r.category_id, c.parent_id, r.channel, r.created_at, r.closed_at, r.due_at
       FROM reports r LEFT JOIN categories c ON c.id = r.category_id`,
    )
    .all() as R[];
  const assignments = db.prepare('SELECT report_seq, kind, assignee_id FROM report_assignments').all() as {
    report_seq: number;
    kind: string;
    assignee_id: string;
  }[];
  if (visibleTo) {
    const groups = db
      .prepare('SELECT group_id FROM group_members WHERE user_id = ?')
      .pluck()
      .all(visibleTo) as string[];
    const seen = new Set(
      assignments
        .filter(
          (a) =>
            (a.kind === 'user' && a.assignee_id === visibleTo) ||
            (a.kind === 'group' && groups.includes(a.assignee_id)),
        )
        .map((a) => a.report_seq),
    );
    rows = rows.filter((r) => seen.has(r.seq));
  }
  const inP = (t: number) => (from == null || t >= from) && (to == null || t < to);
  const created = rows.filter((r) => inP(r.created_at));
  const count = <K>(xs: R[], key: (r: R) => K) => {
    const m = new Map<K, number>();
    for (const x of xs) m.set(key(x), (m.get(x as never) ?? m.get(key(x)) ?? 0) + 1);
    return m;
  };
  const bySeq = new Map(created.map((r) => [r.seq, r]));
  const assignee = new Map<string, { n: number; open: number }>();
  for (const a of assignments) {
    const r = bySeq.get(a.report_seq);
    if (!r) continue;
    const k = `${a.kind}:${a.assignee_id}`;
    const v = assignee.get(k) ?? { n: 0, open: 0 };
    v.n++;
    if (r.status !== 'chiuso') v.open++;
    assignee.set(k, v);
  }
  const closeBy = new Map<string | null, number[]>();
  for (const r of rows) {
    if (r.closed_at == null || !inP(r.closed_at)) continue;
    const list = closeBy.get(r.category_id) ?? [];
    list.push((r.closed_at - r.created_at) / DAY);
    closeBy.set(r.category_id, list);
  }
  const median = (xs: number[]) => {
    const s = [...xs].sort((a, b) => a - b);
    return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
  };
  const parentCount = new Map<string, number>();
  for (const r of created) {
    const k = r.parent_id ?? r.category_id ?? '';
    parentCount.set(k, (parentCount.get(k) ?? 0) + 1);
  }
  return {
    total: created.length,
    byStatus: count(created, (r) => r.status),
    byChannel: count(created, (r) => r.channel),
    byLeaf: count(
      created.filter((r) => r.parent_id),
      (r) => r.category_id!,
    ),
    parentCount,
    assignee,
    overdue: created.filter((r) => r.status !== 'chiuso' && r.due_at != null && r.due_at < w.clock.now)
      .length,
    close: new Map(
      [...closeBy].map(([k, xs]) => [
        k,
        { n: xs.length, avg: xs.reduce((a, b) => a + b, 0) / xs.length, median: median(xs) },
      ]),
    ),
    closedCount: rows.filter((r) => r.closed_at != null && inP(r.closed_at)).length,
  };
}

function compare(s: Stats, e: ReturnType<typeof expected>) {
  expect(s.total).toBe(e.total);
  for (const st of ['nuovo', 'in_gestione', 'chiuso'] as const)
    expect(s.byStatus[st]).toBe(e.byStatus.get(st) ?? 0);
  for (const c of s.byChannel) expect(c.n).toBe(e.byChannel.get(c.key) ?? 0);
  expect(s.byChannel.reduce((a, c) => a + c.n, 0)).toBe(e.total);
  for (const c of s.byCategory) {
    if (c.parentId) expect(c.n).toBe(e.byLeaf.get(c.key));
    else expect(c.n).toBe(e.parentCount.get(c.key));
  }
  expect(s.byCategory.filter((c) => !c.parentId).reduce((a, c) => a + c.n, 0)).toBe(e.total);
  expect(new Map(s.byAssignee.map((a) => [a.key, { n: a.n, open: a.open }]))).toEqual(e.assignee);
  expect(s.overdue).toBe(e.overdue);
  expect(s.closeTimes.length).toBe(e.close.size);
  for (const c of s.closeTimes) {
    const x = e.close.get(c.categoryId)!;
    expect(c.n).toBe(x.n);
    expect(c.avgDays).toBeCloseTo(x.avg, 9);
    expect(c.medianDays).toBeCloseTo(x.median, 9);
  }
  expect(s.monthly.reduce((a, m) => a + m.created, 0)).toBe(
    s.monthly.length < 60 ? e.total : s.monthly.reduce((a, m) => a + m.created, 0),
  );
  expect(s.monthly.reduce((a, m) => a + m.closed, 0)).toBe(e.closedCount);
}

describe('stats.get', () => {
  it('matches independent counts over all time', async () => {
    const s = await w.ok<Stats>('stats.get', {}, admin);
    expect(s.total).toBe(48);
    compare(s, expected(null, null));
    expect(s.monthly.map((m) => m.label).slice(0, 2)).toEqual(['gen 2026', 'feb 2026']);
  });

  it('matches independent counts for periods with partial edge months', async () => {
    const periods: [number | null, number | null][] = [
      [Date.UTC(2026, 0, 20, 13), Date.UTC(2026, 3, 7, 5)],
      [Date.UTC(2026, 1, 1), Date.UTC(2026, 3, 1)],
      [Date.UTC(2026, 1, 3), Date.UTC(2026, 1, 25)],
      [null, Date.UTC(2026, 2, 15)],
      [Date.UTC(2026, 2, 15), null],
    ];
    for (const [from, to] of periods) {
      const s = await w.ok<Stats>('stats.get', { from, to }, admin);
      compare(s, expected(from, to));
    }
    expect(splitPeriod({ from: Date.UTC(2026, 0, 20), to: Date.UTC(2026, 3, 7) })).toEqual({
      months: { min: 202602, max: 202604 },
      edges: [
        [Date.UTC(2026, 0, 20), Date.UTC(2026, 1, 1)],
        [Date.UTC(2026, 3, 1), Date.UTC(2026, 3, 7)],
      ],
    });
  });

  it('the trend counts created and closed per Rome week and month', async () => {
    const s = await w.ok<Stats>('stats.get', { from: Date.UTC(2026, 1, 1), to: Date.UTC(2026, 2, 1) }, admin);
    const e = expected(Date.UTC(2026, 1, 1), Date.UTC(2026, 2, 1));
    expect(s.weekly.reduce((a, x) => a + x.created, 0)).toBe(e.total);
    expect(s.weekly.reduce((a, x) => a + x.closed, 0)).toBe(e.closedCount);
    // Weeks start on Monday at midnight in Rome (23:00 UTC in winter).
    for (const x of s.weekly.slice(1)) expect(new Date(x.start + 3_600_000).getUTCDay()).toBe(1);
    expect(new Date(s.weekly[1]!.start).getUTCHours()).toBe(23);
  });

  it('a supplier with "statistiche" counts only its own reports; others are refused', async () => {
    const s = await w.ok<Stats>('stats.get', {}, supplierStats);
    const e = expected(null, null, supplierStatsId);
    expect(s.total).toBeGreaterThan(0);
    expect(s.total).toBeLessThan(48);
    compare(s, e);
    const r = await w.core.call('stats.get', {}, plainSupplier);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.code).toBe('forbidden');
  });

  it('the summaries equal a rebuild from scratch after all the changes', () => {
    const db = w.core.services.db;
    const live = db
      .prepare(
        'SELECT month, status, category_id, channel, n FROM stats_counts WHERE n <> 0 ORDER BY 1,2,3,4',
      )
      .all();
    const rebuilt = db
      .prepare(
        `SELECT CAST(strftime('%Y%m', created_at / 1000, 'unixepoch') AS INTEGER) AS month, status,
           coalesce(category_id, '') AS category_id, channel, count(*) AS n FROM reports GROUP BY 1,2,3,4 ORDER BY 1,2,3,4`,
      )
      .all();
    expect(live).toEqual(rebuilt);
    const liveA = db
      .prepare(
        'SELECT month, status, kind, assignee_id, n FROM stats_assignee_counts WHERE n <> 0 ORDER BY 1,2,3,4',
      )
      .all();
    const rebuiltA = db
      .prepare(
        `SELECT CAST(strftime('%Y%m', r.created_at / 1000, 'unixepoch') AS INTEGER) AS month, r.status, a.kind, a.assignee_id,
           count(*) AS n FROM report_assignments a JOIN reports r ON r.seq = a.report_seq GROUP BY 1,2,3,4 ORDER BY 1,2,3,4`,
      )
      .all();
    expect(liveA).toEqual(rebuiltA);
  });
});
