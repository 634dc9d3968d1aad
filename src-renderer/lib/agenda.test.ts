import { describe, expect, it } from 'vitest';
import { romeToMs } from '../../src-shared/domain/activities/rome-time';
import { draftFrom, draftToFields, newDraft, weekdayOfDate } from './activity-draft';
import { describeActivityLog } from './activity-log';
import { parseRoute, routeHref } from './route';
import { dayLabel, monthGrid, mondayOf, periodOf, shift, weekDays } from './agenda';

describe('agenda periods in Rome days', () => {
  it('weeks start on Monday, also across the October DST change', () => {
    expect(mondayOf('2026-10-25')).toBe('2026-10-19');
    expect(weekDays('2026-10-25')).toEqual([
      '2026-10-19',
      '2026-10-20',
      '2026-10-21',
      '2026-10-22',
      '2026-10-23',
      '2026-10-24',
      '2026-10-25',
    ]);
    const p = periodOf('settimana', '2026-10-21');
    expect(new Date(p.from).toISOString()).toBe('2026-10-18T22:00:00.000Z');
    // The week holds one 25-hour day.
    expect(p.to - p.from).toBe(7 * 86_400_000 + 3_600_000);
  });

  it('a month grid covers whole weeks and flags the days of other months', () => {
    const g = monthGrid('2026-03-15');
    expect(g[0]![0]).toEqual({ key: '2026-02-23', inMonth: false });
    expect(g[g.length - 1]![6]).toEqual({ key: '2026-04-05', inMonth: false });
    expect(g.flat().filter((d) => d.inMonth)).toHaveLength(31);
    expect(shift('mese', '2026-01-31', 1)).toBe('2026-02-01');
    expect(shift('mese', '2026-01-15', -1)).toBe('2025-12-01');
    expect(dayLabel('2026-03-29')).toBe('domenica 29 marzo');
  });
});

describe('activity form draft', () => {
  it('turns Rome date and time into an instant, summer and winter', () => {
    const d = {
      ...newDraft(Date.UTC(2026, 2, 20, 10)),
      title: 'Sopralluogo',
      date: '2026-03-30',
      time: '09:00',
    };
    const r = draftToFields(d);
    expect(r.ok && r.fields.startAt).toBe(Date.UTC(2026, 2, 30, 7, 0));
    const w = draftToFields({ ...d, date: '2026-03-27' });
    expect(w.ok && w.fields.startAt).toBe(Date.UTC(2026, 2, 27, 8, 0));
  });

  it('builds the recurrence and refuses what the core would refuse, with the field to blame', () => {
    const base = draftFrom({
      title: 'Controllo',
      description: '',
      assigneeKind: 'group',
      assigneeId: 'g1',
      startAt: romeToMs(2026, 3, 23, 9, 0),
      durationMin: 60,
      recurrence: null,
    });
    expect(base.byWeekday).toEqual(['MO']);
    const weekly = draftToFields({ ...base, repeats: true, byWeekday: ['MO', 'TH'], end: 'count', count: 8 });
    expect(weekly).toMatchObject({
      ok: true,
      fields: {
        assignee: { kind: 'group', id: 'g1' },
        recurrence: { freq: 'weekly', interval: 1, byWeekday: ['MO', 'TH'], count: 8, until: null },
      },
    });
    expect(draftToFields({ ...base, repeats: true, byWeekday: [] })).toMatchObject({
      ok: false,
      field: 'byWeekday',
    });
    expect(draftToFields({ ...base, repeats: true, end: 'until', until: '2026-03-01' })).toMatchObject({
      ok: false,
      field: 'until',
    });
    expect(draftToFields({ ...base, title: ' ' })).toMatchObject({ ok: false, field: 'title' });
    // An occurrence's form never sends a rule.
    expect(draftToFields({ ...base, repeats: true }, false)).toMatchObject({
      ok: true,
      fields: { recurrence: null },
    });
  });
});

describe('activity log lines', () => {
  it('says what happened to which activity, in Italian', () => {
    expect(
      describeActivityLog('activity_status', {
        title: 'Giro di controllo',
        occurrenceStart: Date.UTC(2026, 2, 30, 7, 0),
        label: 'Completata',
        note: 'Nessun danno',
      }),
    ).toEqual({
      summary: 'Attività «Giro di controllo» (occorrenza del 30/03/2026 09:00): completata',
      details: ['Nota: Nessun danno'],
    });
    expect(
      describeActivityLog('activity_created', {
        title: 'Sopralluogo',
        assignee: 'Lucia Verdi',
        recurrence: null,
      }).summary,
    ).toBe('Ha pianificato l’attività «Sopralluogo»');
  });
});

describe('activities route', () => {
  it('parses and writes the three views', () => {
    expect(parseRoute('#/attivita')).toEqual({ name: 'activities', view: 'elenco' });
    expect(parseRoute('#/attivita/mese')).toEqual({ name: 'activities', view: 'mese' });
    for (const h of ['#/attivita', '#/attivita/settimana', '#/attivita/mese'])
      expect(routeHref(parseRoute(h))).toBe(h);
  });
});

describe('weekday of a date', () => {
  it('names the Rome weekday of a date', () => {
    expect(weekdayOfDate('2026-03-29')).toBe('SU');
    expect(weekdayOfDate('2026-03-30')).toBe('MO');
    expect(weekdayOfDate('2026-3-30')).toBeNull();
  });
});
