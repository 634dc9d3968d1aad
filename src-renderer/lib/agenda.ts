/** Periods and calendar grids of the agenda, in Rome days. Pure. */
import { romeDateKey, romeDayStart, romeParts } from '../../src-shared/domain/activities/rome-time';

export type AgendaView = 'elenco' | 'settimana' | 'mese';

const addDays = (key: string, n: number) => romeDateKey(romeDayStart(key, n) + 12 * 3_600_000);

/** The Monday of the week of a day. */
export function mondayOf(key: string): string {
  const wd = romeParts(romeDayStart(key) + 12 * 3_600_000).weekday;
  return addDays(key, 1 - wd);
}

export function weekDays(anchor: string): string[] {
  const mon = mondayOf(anchor);
  return Array.from({ length: 7 }, (_, i) => addDays(mon, i));
}

/** Weeks (Monday first) covering the month of `anchor`; days of other months included. */
export function monthGrid(anchor: string): { key: string; inMonth: boolean }[][] {
  const month = anchor.slice(0, 7);
  let day = mondayOf(`${month}-01`);
  const weeks: { key: string; inMonth: boolean }[][] = [];
  do {
    const week = Array.from({ length: 7 }, (_, i) => {
      const key = addDays(day, i);
      return { key, inMonth: key.startsWith(month) };
    });
    weeks.push(week);
    day = addDays(day, 7);
  } while (day.startsWith(month));
  return weeks;
}

/** [from, to) of what a view shows around `anchor`. */
export function periodOf(view: AgendaView, anchor: string): { from: number; to: number } {
  if (view === 'settimana') {
    const mon = mondayOf(anchor);
    return { from: romeDayStart(mon), to: romeDayStart(mon, 7) };
  }
  if (view === 'mese') {
    const grid = monthGrid(anchor);
    return { from: romeDayStart(grid[0]![0]!.key), to: romeDayStart(grid[grid.length - 1]![6]!.key, 1) };
  }
  return { from: romeDayStart(anchor), to: romeDayStart(anchor, 30) };
}

/** The anchor one period earlier or later. */
export function shift(view: AgendaView, anchor: string, dir: -1 | 1): string {
  if (view === 'mese') {
    const [y, m] = anchor.split('-').map(Number) as [number, number];
    const t = new Date(Date.UTC(y, m - 1 + dir, 1));
    return `${t.getUTCFullYear()}-${String(t.getUTCMonth() + 1).padStart(2, '0')}-01`;
  }
  return addDays(anchor, (view === 'settimana' ? 7 : 30) * dir);
}

export function byDay<T extends { startAt: number }>(items: readonly T[]): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const it of items) {
    const k = romeDateKey(it.startAt);
    const list = out.get(k);
    if (list) list.push(it);
    else out.set(k, [it]);
  }
  return out;
}

const longDay = new Intl.DateTimeFormat('it-IT', {
  timeZone: 'Europe/Rome',
  weekday: 'long',
  day: 'numeric',
  month: 'long',
});
const monthName = new Intl.DateTimeFormat('it-IT', {
  timeZone: 'Europe/Rome',
  month: 'long',
  year: 'numeric',
});

/** "lunedì 23 marzo". */
export const dayLabel = (key: string) => longDay.format(romeDayStart(key) + 12 * 3_600_000);
/** "marzo 2026". */
export const monthLabel = (key: string) => monthName.format(romeDayStart(key) + 12 * 3_600_000);
