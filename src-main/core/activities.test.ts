/** Activity planning through the API on a real SQLite file: panel, list, agenda, overdue, suppliers. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { OccurrenceView, SeriesView } from '../../src-shared/api/calls-activities';
import type { ReportDetail } from '../../src-shared/api';
import { romeDateKey, romeDayStart, romeTime, romeToMs } from '../../src-shared/domain/activities/rome-time';
import { buildFixture, type Fixture } from '../testing/fixtures';
import { createTestWorld, type TestWorld } from '../testing/test-core';

let w: TestWorld;
let f: Fixture;
beforeEach(async () => {
  w = await createTestWorld(); // now: Friday 20 November 2026, 10:00 in Rome
  f = await buildFixture(w);
});
afterEach(() => w.cleanup());

const report = async (title: string) =>
  (
    await w.ok<{ id: string }>(
      'reports.create',
      { fields: { title, categoryId: f.bucaId, address: 'Via Roma 1', channel: 'telefono' }, reporters: [] },
      f.clerk,
    )
  ).id;
type List = { occurrences: OccurrenceView[]; truncated: boolean };
const list = (input: object, who = f.clerk) => w.ok<List>('activities.list', input, who);
const show = (o: OccurrenceView[]) =>
  o.map((x) => `${romeDateKey(x.startAt)} ${romeTime(x.startAt)} ${x.title}`);
const WEEK = { from: romeDayStart('2026-11-16'), to: romeDayStart('2026-11-23') };

async function plan() {
  const road = await report('Buca in via Roma');
  const park = await report('Panchina rotta nel parco');
  await w.ok('reports.assign', { id: road, kind: 'group', assigneeId: f.supplierGroupId }, f.clerk);
  const single = await w.ok<{ id: string }>(
    'activities.create',
    {
      reportId: road,
      fields: {
        title: 'Chiudere la buca',
        assignee: { kind: 'group', id: f.supplierGroupId },
        startAt: romeToMs(2026, 11, 20, 14, 0),
        durationMin: 120,
      },
    },
    f.clerk,
  );
  const late = await w.ok<{ id: string }>(
    'activities.create',
    {
      reportId: road,
      fields: { title: 'Transennare', startAt: romeToMs(2026, 11, 19, 8, 0), durationMin: 30 },
    },
    f.clerk,
  );
  const series = await w.ok<{ id: string }>(
    'activities.create',
    {
      reportId: park,
      fields: {
        title: 'Giro di controllo',
        assignee: { kind: 'user', id: f.clerkId },
        startAt: romeToMs(2026, 11, 16, 9, 0),
        durationMin: 60,
        recurrence: { freq: 'weekly', interval: 1, byWeekday: ['MO', 'WE'], until: '2026-12-31' },
      },
    },
    f.clerk,
  );
  return { road, park, single: single.id, late: late.id, series: series.id };
}

describe('activities through the API', () => {
  it('lists a week and a month, filters by assignee, status and overdue, and completes one occurrence', async () => {
    const p = await plan();
    expect(show((await list(WEEK)).occurrences)).toEqual([
      '2026-11-16 09:00 Giro di controllo',
      '2026-11-18 09:00 Giro di controllo',
      '2026-11-19 08:00 Transennare',
      '2026-11-20 14:00 Chiudere la buca',
    ]);
    const month = await list({ from: romeDayStart('2026-11-01'), to: romeDayStart('2026-12-01') });
    expect(
      month.occurrences.filter((o) => o.seriesId === p.series).map((o) => romeDateKey(o.startAt)),
    ).toEqual(['2026-11-16', '2026-11-18', '2026-11-23', '2026-11-25', '2026-11-30']);
    const first = month.occurrences[0]!;
    expect(first).toMatchObject({
      reportId: p.park,
      reportTitle: 'Panchina rotta nel parco',
      assigneeName: 'Lucia Verdi',
      computed: true,
      recurrenceText: 'Ogni settimana: lun, mer · fino al 31/12/2026',
    });

    expect(show((await list({ ...WEEK, assignee: 'mine' })).occurrences)).toEqual([
      '2026-11-16 09:00 Giro di controllo',
      '2026-11-18 09:00 Giro di controllo',
    ]);
    expect(
      show((await list({ ...WEEK, assignee: { kind: 'group', id: f.supplierGroupId } })).occurrences),
    ).toEqual(['2026-11-20 14:00 Chiudere la buca']);

    const overdue = await list({ ...WEEK, overdueOnly: true });
    expect(show(overdue.occurrences)).toEqual([
      '2026-11-16 09:00 Giro di controllo',
      '2026-11-18 09:00 Giro di controllo',
      '2026-11-19 08:00 Transennare',
    ]);
    expect(overdue.occurrences.every((o) => o.overdue)).toBe(true);

    await w.ok(
      'activities.setStatus',
      {
        reportId: p.park,
        activityId: p.series,
        occurrenceStart: romeToMs(2026, 11, 16, 9, 0),
        status: 'completata',
        note: 'Nessun danno nuovo',
      },
      f.clerk,
    );
    await w.ok(
      'activities.setStatus',
      { reportId: p.road, activityId: p.late, status: 'annullata' },
      f.clerk,
    );
    expect(show((await list({ ...WEEK, overdueOnly: true })).occurrences)).toEqual([
      '2026-11-18 09:00 Giro di controllo',
    ]);
    const done = await list({ ...WEEK, statuses: ['completata'] });
    expect(done.occurrences).toHaveLength(1);
    expect(done.occurrences[0]).toMatchObject({
      seriesId: p.series,
      computed: false,
      completionNote: 'Nessun danno nuovo',
      overdue: false,
    });

    // The report's log tells the story in order.
    const detail = await w.ok<ReportDetail>('reports.get', { id: p.park }, f.clerk);
    expect(detail.log.map((l) => l.action).filter((a) => a.startsWith('activity_'))).toEqual([
      'activity_created',
      'activity_status',
    ]);
  });

  it("the report's panel shows singles, overdue and next occurrences, and the series", async () => {
    const p = await plan();
    const panel = await w.ok<{ occurrences: OccurrenceView[]; series: SeriesView[] }>(
      'activities.ofReport',
      { reportId: p.park },
      f.clerk,
    );
    expect(panel.series).toEqual([
      expect.objectContaining({
        id: p.series,
        recurrenceText: 'Ogni settimana: lun, mer · fino al 31/12/2026',
      }),
    ]);
    // Two overdue (16 and 18 November) and the next six.
    expect(panel.occurrences.map((o) => romeDateKey(o.startAt))).toEqual([
      '2026-11-16',
      '2026-11-18',
      '2026-11-23',
      '2026-11-25',
      '2026-11-30',
      '2026-12-02',
      '2026-12-07',
      '2026-12-09',
    ]);
    // Moving one occurrence: it leaves its slot and shows at the new time.
    await w.ok(
      'activities.update',
      {
        reportId: p.park,
        activityId: p.series,
        occurrenceStart: romeToMs(2026, 11, 23, 9, 0),
        fields: { title: 'Giro di controllo', startAt: romeToMs(2026, 11, 24, 15, 30), durationMin: 60 },
      },
      f.clerk,
    );
    const after = await w.ok<{ occurrences: OccurrenceView[] }>(
      'activities.ofReport',
      { reportId: p.park },
      f.clerk,
    );
    expect(
      after.occurrences.map((o) => `${romeDateKey(o.startAt)} ${romeTime(o.startAt)}`).slice(2, 4),
    ).toEqual(['2026-11-24 15:30', '2026-11-25 09:00']);
  });

  it('a fornitore logged in on a PC sees only its reports, and updates only what is given to it', async () => {
    const p = await plan();
    expect(show((await list(WEEK, f.supplier)).occurrences)).toEqual([
      '2026-11-19 08:00 Transennare',
      '2026-11-20 14:00 Chiudere la buca',
    ]);
    const hidden = await w.core.call('activities.ofReport', { reportId: p.park }, f.supplier);
    expect(hidden).toMatchObject({ ok: false, error: { code: 'not_found' } });
    const create = await w.core.call(
      'activities.create',
      {
        reportId: p.road,
        fields: { title: 'Altro', startAt: romeToMs(2026, 11, 21, 9, 0), durationMin: 30 },
      },
      f.supplier,
    );
    expect(create).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    const notMine = await w.core.call(
      'activities.setStatus',
      { reportId: p.road, activityId: p.late, status: 'in_corso' },
      f.supplier,
    );
    expect(notMine).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    await w.ok(
      'activities.setStatus',
      { reportId: p.road, activityId: p.single, status: 'in_corso' },
      f.supplier,
    );
    const mine = await list({ ...WEEK, statuses: ['in_corso'] }, f.supplier);
    expect(mine.occurrences.map((o) => o.activityId)).toEqual([p.single]);
  });

  it('refuses a bad period and bad fields with Italian messages', async () => {
    const bad = await w.core.call('activities.list', { from: 0, to: 500 * 86_400_000 }, f.clerk);
    expect(bad).toMatchObject({ ok: false, error: { code: 'validation' } });
    expect(!bad.ok && bad.error.message).toMatch(/400 giorni/);
    const road = await report('Buca');
    const short = await w.core.call(
      'activities.create',
      { reportId: road, fields: { title: 'X', startAt: 0, durationMin: 1 } },
      f.clerk,
    );
    expect(short.ok).toBe(false);
    expect(!short.ok && short.error.message).toMatch(/titolo|durata/i);
  });
});
