/** Recurrences in Europe/Rome: DST changes, month ends, weekdays, ends by date or count. */
import { describe, expect, it } from 'vitest';
import type { Recurrence } from './activity';
import { occurrencesInWindow } from './occurrences';
import { firstOccurrence, isOccurrence, lastOccurrence, occurrenceStarts, rruleText } from './recurrence';
import { romeDateKey, romeParts, romeTime, romeToMs } from './rome-time';

const rec = (over: Partial<Recurrence>): Recurrence => ({
  freq: 'weekly',
  interval: 1,
  byWeekday: [],
  until: null,
  count: null,
  ...over,
});
const DAY = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString();

describe('Rome wall-clock time', () => {
  it('converts both ways in winter and summer, and moves a skipped hour forward', () => {
    expect(iso(romeToMs(2026, 1, 15, 9, 0))).toBe('2026-01-15T08:00:00.000Z');
    expect(iso(romeToMs(2026, 7, 15, 9, 0))).toBe('2026-07-15T07:00:00.000Z');
    // 02:30 does not exist on 29 March 2026: it is 03:30 summer time.
    expect(romeTime(romeToMs(2026, 3, 29, 2, 30))).toBe('03:30');
    // 02:30 happens twice on 25 October 2026: the first (summer) one.
    expect(iso(romeToMs(2026, 10, 25, 2, 30))).toBe('2026-10-25T00:30:00.000Z');
    expect(romeParts(Date.UTC(2026, 2, 28, 23, 30)).weekday).toBe(7);
    expect(romeDateKey(Date.UTC(2026, 11, 31, 23, 30))).toBe('2027-01-01');
    // Day 31 of June rolls over to 1 July, still in summer time.
    expect(iso(romeToMs(2026, 6, 31, 9, 0))).toBe('2026-07-01T07:00:00.000Z');
  });
});

describe('recurrences across the DST changes (last Sunday of March and of October)', () => {
  it('a weekly Saturday and Monday series at 09:00 stays at 09:00 local time across 29 March 2026', () => {
    const start = romeToMs(2026, 3, 21, 9, 0); // Saturday 21 March
    const r = rec({ byWeekday: ['SA', 'MO'], count: 4 });
    const all = occurrenceStarts(start, r, start, start + 30 * DAY);
    expect(all.map(iso)).toEqual([
      '2026-03-21T08:00:00.000Z', // Sat, CET (UTC+1)
      '2026-03-23T08:00:00.000Z', // Mon, CET
      '2026-03-28T08:00:00.000Z', // Sat, CET: the change is the following night
      '2026-03-30T07:00:00.000Z', // Mon, CEST (UTC+2): still 09:00 on the wall
    ]);
    for (const t of all) expect(romeTime(t)).toBe('09:00');
    expect(lastOccurrence(start, r)).toBe(all[3]);
  });

  it('a daily 09:00 series crosses 25 October 2026 at 09:00 every day (the day has 25 hours)', () => {
    const start = romeToMs(2026, 10, 23, 9, 0);
    const all = occurrenceStarts(start, rec({ freq: 'daily' }), start, start + 4 * DAY);
    expect(all.map((t) => `${romeDateKey(t)} ${romeTime(t)}`)).toEqual([
      '2026-10-23 09:00',
      '2026-10-24 09:00',
      '2026-10-25 09:00',
      '2026-10-26 09:00',
    ]);
    // 24 h apart, but 25 h from Saturday to Sunday: the clocks went back at 03:00.
    expect(all[1]! - all[0]!).toBe(DAY);
    expect(all[2]! - all[1]!).toBe(DAY + 3_600_000);
    expect(all[3]! - all[2]!).toBe(DAY);
  });

  it('a daily 02:30 series skips the 02:30 that does not exist on 29 March (RFC 5545)', () => {
    const start = romeToMs(2026, 3, 27, 2, 30);
    const all = occurrenceStarts(start, rec({ freq: 'daily', count: 4 }), start, start + 10 * DAY);
    expect(all.map(romeDateKey)).toEqual(['2026-03-27', '2026-03-28', '2026-03-30', '2026-03-31']);
    expect(all.every((t) => romeTime(t) === '02:30')).toBe(true);
  });
});

describe('month ends', () => {
  it('monthly on the 31st skips the months without a 31st', () => {
    const start = romeToMs(2026, 1, 31, 10, 0);
    const r = rec({ freq: 'monthly', count: 6 });
    const all = occurrenceStarts(start, r, start, start + 400 * DAY);
    expect(all.map(romeDateKey)).toEqual([
      '2026-01-31',
      '2026-03-31', // no 31 February
      '2026-05-31', // no 31 April
      '2026-07-31', // no 31 June
      '2026-08-31',
      '2026-10-31', // no 31 September
    ]);
    expect(all.every((t) => romeTime(t) === '10:00')).toBe(true);
    expect(isOccurrence(start, r, romeToMs(2026, 2, 28, 10, 0))).toBe(false);
    expect(isOccurrence(start, r, romeToMs(2026, 3, 31, 10, 0))).toBe(true);
  });

  it('every 2 months from 30 November across the year end and February', () => {
    const start = romeToMs(2026, 11, 30, 8, 0);
    const all = occurrenceStarts(start, rec({ freq: 'monthly', interval: 2 }), start, start + 200 * DAY);
    // January 30, March 30 (February skipped by the interval), May 30.
    expect(all.map(romeDateKey)).toEqual(['2026-11-30', '2027-01-30', '2027-03-30', '2027-05-30']);
  });
});

describe('ends and weekdays', () => {
  it('until a date is inclusive of that Rome day; count limits the number', () => {
    const start = romeToMs(2026, 6, 1, 23, 30);
    const until = occurrenceStarts(
      start,
      rec({ freq: 'daily', until: '2026-06-04' }),
      start,
      start + 30 * DAY,
    );
    expect(until.map(romeDateKey)).toEqual(['2026-06-01', '2026-06-02', '2026-06-03', '2026-06-04']);
    expect(rruleText(start, rec({ freq: 'daily', until: '2026-06-04' }))).toContain('UNTIL=20260604T215959Z');
    const counted = occurrenceStarts(start, rec({ freq: 'daily', count: 2 }), start, start + 30 * DAY);
    expect(counted).toHaveLength(2);
  });

  it('every 2 weeks on Monday and Thursday, weeks starting on Monday', () => {
    const start = romeToMs(2026, 9, 7, 14, 0); // Monday
    const all = occurrenceStarts(
      start,
      rec({ interval: 2, byWeekday: ['TH', 'MO'] }),
      start,
      start + 28 * DAY,
    );
    expect(all.map(romeDateKey)).toEqual(['2026-09-07', '2026-09-10', '2026-09-21', '2026-09-24']);
  });

  it('a rule with no occurrence at all is recognised', () => {
    const start = romeToMs(2026, 1, 31, 10, 0);
    expect(firstOccurrence(start, rec({ freq: 'monthly', until: '2026-02-27' }))).toBe(start);
    expect(firstOccurrence(start, rec({ byWeekday: ['MO'], until: '2026-02-01' }))).toBeNull();
  });
});

describe('overrides', () => {
  it('an override hides the computed occurrence it replaces and shows at its own time', () => {
    const start = romeToMs(2026, 3, 23, 9, 0);
    const series = {
      id: 'S',
      reportId: 'R',
      seriesId: null,
      occurrenceStart: null,
      title: 'Controllo',
      description: '',
      assigneeKind: null,
      assigneeId: null,
      startAt: start,
      durationMin: 60,
      status: 'da_fare' as const,
      completionNote: null,
      recurrence: rec({ freq: 'weekly', count: 3 }),
      endsAt: null,
      createdBy: 'u',
      createdAt: 0,
      updatedBy: 'u',
      updatedAt: 0,
    };
    const second = start + 7 * DAY - 3_600_000; // 30 March, 09:00 CEST
    const moved = {
      ...series,
      id: 'O',
      seriesId: 'S',
      occurrenceStart: second,
      startAt: second + 2 * DAY,
      recurrence: null,
      status: 'completata' as const,
      completionNote: 'Fatto',
    };
    const list = occurrencesInWindow([series, moved], start, start + 30 * DAY);
    expect(list.map((o) => [romeDateKey(o.startAt), o.status, o.computed])).toEqual([
      ['2026-03-23', 'da_fare', true],
      ['2026-04-01', 'completata', false],
      ['2026-04-06', 'da_fare', true],
    ]);
    expect(list[1]!.occurrenceStart).toBe(second);
    // Cancelling the series cancels its computed occurrences, not the completed override.
    const cancelled = occurrencesInWindow(
      [{ ...series, status: 'annullata' }, moved],
      start,
      start + 30 * DAY,
    );
    expect(cancelled.map((o) => o.status)).toEqual(['annullata', 'completata', 'annullata']);
  });
});
