/** Activity mutations: fields, log entries, permissions, occurrence overrides. Pure. */
import { describe, expect, it } from 'vitest';
import type { Activity } from '../activities/activity';
import { romeToMs } from '../activities/rome-time';
import { DomainError } from '../errors';
import type { Actor, Report, User } from '../types';
import { emptySnapshot, type Change, type MutationEnv, type Snapshot } from './framework';
import { MUTATIONS } from './index';

const NOW = Date.UTC(2026, 2, 20, 10, 0, 0);
let n = 0;
const id = () => `01900000-0000-7000-8000-${String(++n).padStart(12, '0')}`;
const env = (): MutationEnv => ({ now: NOW, newId: id, allocateCode: (y) => `${y}-000777` });
const perms = {
  canReply: false,
  majorEdits: false,
  seesReporterData: false,
  statistics: false,
  export: false,
};
const clerk: Actor = { id: id(), role: 'operatore', permissions: perms, groupIds: [] };
const squad = id();
const supplier: Actor = { id: id(), role: 'fornitore', permissions: perms, groupIds: [squad] };
const otherSupplier: Actor = { id: id(), role: 'fornitore', permissions: perms, groupIds: [] };
const lucia: User = {
  id: id(),
  username: 'lverdi',
  fullName: 'Lucia Verdi',
  email: null,
  role: 'operatore',
  permissions: perms,
  active: true,
  notifyByEmail: false,
  createdAt: 0,
  updatedAt: 0,
};

function world(over: Partial<Report> = {}): { s: Snapshot; report: Report } {
  const report = {
    id: id(),
    code: '2026-000001',
    title: 'Buca',
    description: '',
    categoryId: null,
    address: 'Via Roma 1',
    lat: null,
    lon: null,
    channel: 'telefono',
    status: 'in_gestione',
    outcomeId: null,
    closingNote: null,
    priority: 'normale',
    dueAt: null,
    mergedInto: null,
    createdBy: clerk.id,
    createdAt: NOW - 1000,
    updatedBy: clerk.id,
    updatedAt: NOW - 1000,
    closedAt: null,
    ...over,
  } as Report;
  const s = emptySnapshot();
  s.reports.set(report.id, {
    report,
    assignments: [
      { reportId: report.id, kind: 'group', assigneeId: squad, assignedAt: 0, assignedBy: clerk.id },
    ],
    reporters: [],
  });
  s.users.set(lucia.id, lucia);
  s.groups.set(squad, {
    id: squad,
    name: 'Squadra strade',
    description: '',
    active: true,
    memberIds: [],
    updatedAt: 0,
  });
  return { s, report };
}

function run(name: keyof typeof MUTATIONS, s: Snapshot, args: unknown, actor: Actor) {
  const def = MUTATIONS[name];
  return def.apply(s, def.args.parse(args) as never, actor, env());
}

/** Applies the activity rows of a result to the snapshot, as the store would. */
function persist(s: Snapshot, changes: Change[]) {
  for (const c of changes) if (c.table === 'report_activities') s.activities.set(c.row.id, c.row);
}

const rowOf = (changes: Change[]) => changes.find((c) => c.table === 'report_activities')!.row as Activity;
const logOf = (changes: Change[]) => changes.find((c) => c.table === 'log_entries')!.row;

function refusal(fn: () => unknown): DomainError {
  try {
    fn();
  } catch (e) {
    if (e instanceof DomainError) return e;
    throw e;
  }
  throw new Error('expected a refusal');
}

const nine = romeToMs(2026, 3, 23, 9, 0); // Monday 23 March 2026, 09:00 in Rome
const weekly = { freq: 'weekly', interval: 1, byWeekday: ['MO'], until: null, count: 4 };

describe('activity.create', () => {
  it('creates a single activity with its assignee and logs it on the report', () => {
    const { s, report } = world();
    const activityId = id();
    const out = run(
      'activity.create',
      s,
      {
        reportId: report.id,
        activityId,
        fields: {
          title: 'Sopralluogo',
          description: 'Misurare la buca',
          assignee: { kind: 'user', id: lucia.id },
          startAt: nine,
          durationMin: 90,
        },
      },
      clerk,
    );
    const row = rowOf(out.changes);
    expect(row).toMatchObject({
      id: activityId,
      reportId: report.id,
      title: 'Sopralluogo',
      assigneeKind: 'user',
      assigneeId: lucia.id,
      status: 'da_fare',
      recurrence: null,
      endsAt: nine + 90 * 60_000,
      createdBy: clerk.id,
    });
    expect(logOf(out.changes)).toMatchObject({
      reportId: report.id,
      action: 'activity_created',
      actorId: clerk.id,
      data: { activityId, title: 'Sopralluogo', assignee: 'Lucia Verdi' },
    });
  });

  it('stores a series with the end of its last occurrence', () => {
    const { s, report } = world();
    const out = run(
      'activity.create',
      s,
      {
        reportId: report.id,
        activityId: id(),
        fields: { title: 'Controllo', startAt: nine, durationMin: 60, recurrence: weekly },
      },
      clerk,
    );
    // Fourth Monday: 13 April, 09:00 CEST = 07:00Z.
    expect(rowOf(out.changes).endsAt).toBe(Date.UTC(2026, 3, 13, 7, 0) + 3_600_000);
  });

  it('refuses suppliers, closed and merged reports, unknown assignees and empty rules', () => {
    const { s, report } = world();
    const fields = { title: 'Sopralluogo', startAt: nine, durationMin: 30 };
    expect(
      refusal(() => run('activity.create', s, { reportId: report.id, activityId: id(), fields }, supplier))
        .code,
    ).toBe('forbidden');
    const closed = world({ status: 'chiuso' });
    expect(
      refusal(() =>
        run('activity.create', closed.s, { reportId: closed.report.id, activityId: id(), fields }, clerk),
      ).message,
    ).toMatch(/chiusa/);
    const merged = world({ mergedInto: id() });
    expect(
      refusal(() =>
        run('activity.create', merged.s, { reportId: merged.report.id, activityId: id(), fields }, clerk),
      ).code,
    ).toBe('conflict');
    expect(
      refusal(() =>
        run(
          'activity.create',
          s,
          {
            reportId: report.id,
            activityId: id(),
            fields: { ...fields, assignee: { kind: 'user', id: id() } },
          },
          clerk,
        ),
      ).code,
    ).toBe('validation');
    const never = { ...weekly, count: null, byWeekday: ['MO'], until: '2026-03-22' };
    expect(
      refusal(() =>
        run(
          'activity.create',
          s,
          { reportId: report.id, activityId: id(), fields: { ...fields, recurrence: never } },
          clerk,
        ),
      ).message,
    ).toMatch(/nessuna occorrenza/);
    // A supplier who cannot see the report is told it does not exist.
    expect(
      refusal(() =>
        run(
          'activity.setStatus',
          s,
          { reportId: report.id, activityId: id(), status: 'completata' },
          otherSupplier,
        ),
      ).code,
    ).toBe('not_found');
  });
});

describe('occurrences of a series', () => {
  function withSeries(assignee: { kind: 'user' | 'group'; id: string } | null = null) {
    const w = world();
    const seriesId = id();
    const out = run(
      'activity.create',
      w.s,
      {
        reportId: w.report.id,
        activityId: seriesId,
        fields: { title: 'Controllo', startAt: nine, durationMin: 60, recurrence: weekly, assignee },
      },
      clerk,
    );
    persist(w.s, out.changes);
    return { ...w, seriesId };
  }
  const second = Date.UTC(2026, 2, 30, 7, 0); // Monday 30 March, 09:00 CEST

  it('moving one occurrence creates an override; editing it again updates that same row', () => {
    const { s, report, seriesId } = withSeries();
    const moved = run(
      'activity.update',
      s,
      {
        reportId: report.id,
        activityId: seriesId,
        occurrenceStart: second,
        fields: { title: 'Controllo', startAt: second + 3_600_000, durationMin: 60 },
      },
      clerk,
    );
    const o = rowOf(moved.changes);
    expect(o).toMatchObject({
      seriesId,
      occurrenceStart: second,
      startAt: second + 3_600_000,
      recurrence: null,
    });
    expect(o.id).not.toBe(seriesId);
    expect(logOf(moved.changes)).toMatchObject({
      action: 'activity_updated',
      data: { activityId: seriesId, fields: ['startAt'], series: false },
    });
    persist(s, moved.changes);
    const done = run(
      'activity.setStatus',
      s,
      {
        reportId: report.id,
        activityId: seriesId,
        occurrenceStart: second,
        status: 'completata',
        note: 'Tutto a posto',
      },
      clerk,
    );
    expect(rowOf(done.changes)).toMatchObject({
      id: o.id,
      status: 'completata',
      completionNote: 'Tutto a posto',
      startAt: second + 3_600_000,
    });
    expect(logOf(done.changes)).toMatchObject({
      action: 'activity_status',
      data: { after: 'completata', note: 'Tutto a posto', occurrenceStart: second },
    });
  });

  it('refuses a date that is not an occurrence, and completing a whole series', () => {
    const { s, report, seriesId } = withSeries();
    expect(
      refusal(() =>
        run(
          'activity.setStatus',
          s,
          {
            reportId: report.id,
            activityId: seriesId,
            occurrenceStart: second + 60_000,
            status: 'completata',
          },
          clerk,
        ),
      ).code,
    ).toBe('not_found');
    expect(
      refusal(() =>
        run(
          'activity.setStatus',
          s,
          { reportId: report.id, activityId: seriesId, status: 'completata' },
          clerk,
        ),
      ).code,
    ).toBe('validation');
    const cancel = run(
      'activity.setStatus',
      s,
      { reportId: report.id, activityId: seriesId, status: 'annullata' },
      clerk,
    );
    expect(rowOf(cancel.changes)).toMatchObject({ id: seriesId, status: 'annullata' });
  });

  it('a supplier completes occurrences given to its group, but cannot cancel them or touch others', () => {
    const { s, report, seriesId } = withSeries({ kind: 'group', id: squad });
    const done = run(
      'activity.setStatus',
      s,
      {
        reportId: report.id,
        activityId: seriesId,
        occurrenceStart: second,
        status: 'completata',
        note: 'Chiusa la buca',
      },
      supplier,
    );
    expect(rowOf(done.changes)).toMatchObject({ status: 'completata', updatedBy: supplier.id });
    expect(
      refusal(() =>
        run(
          'activity.setStatus',
          s,
          { reportId: report.id, activityId: seriesId, occurrenceStart: second, status: 'annullata' },
          supplier,
        ),
      ).code,
    ).toBe('forbidden');
    expect(
      refusal(() =>
        run(
          'activity.update',
          s,
          {
            reportId: report.id,
            activityId: seriesId,
            occurrenceStart: second,
            fields: { title: 'X1', startAt: second, durationMin: 60 },
          },
          supplier,
        ),
      ).code,
    ).toBe('forbidden');
    const mine = withSeries({ kind: 'user', id: lucia.id });
    expect(
      refusal(() =>
        run(
          'activity.setStatus',
          mine.s,
          {
            reportId: mine.report.id,
            activityId: mine.seriesId,
            occurrenceStart: second,
            status: 'in_corso',
          },
          supplier,
        ),
      ).message,
    ).toMatch(/affidate a lui/);
  });

  it('an unchanged edit writes nothing', () => {
    const { s, report, seriesId } = withSeries();
    const out = run(
      'activity.update',
      s,
      {
        reportId: report.id,
        activityId: seriesId,
        fields: { title: 'Controllo', startAt: nine, durationMin: 60, recurrence: weekly },
      },
      clerk,
    );
    expect(out.changes).toEqual([]);
  });
});

describe('no-op status changes', () => {
  it('writes nothing for a status an occurrence already has', () => {
    const w = world();
    const seriesId = id();
    const out = run(
      'activity.create',
      w.s,
      {
        reportId: w.report.id,
        activityId: seriesId,
        fields: { title: 'Controllo', startAt: nine, durationMin: 60, recurrence: weekly },
      },
      clerk,
    );
    persist(w.s, out.changes);
    const same = run(
      'activity.setStatus',
      w.s,
      { reportId: w.report.id, activityId: seriesId, occurrenceStart: nine, status: 'da_fare' },
      clerk,
    );
    expect(same.changes).toEqual([]);
  });
});
