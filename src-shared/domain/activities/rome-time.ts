/**
 * Wall-clock time in Europe/Rome, whatever the time zone of the machine running the
 * code (a PC, the sync server in UTC, a test). Activities are planned in Italian local
 * time: "09:00" means 09:00 in Rome, in winter and in summer.
 */

export const ROME = 'Europe/Rome';

export interface RomeParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  /** 1 = Monday … 7 = Sunday. */
  weekday: number;
}

const fmt = new Intl.DateTimeFormat('en-GB', {
  timeZone: ROME,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  weekday: 'short',
  hourCycle: 'h23',
});
const WEEKDAY: Record<string, number> = { Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6, Sun: 7 };

export function romeParts(ms: number): RomeParts {
  const p: Record<string, string> = {};
  for (const x of fmt.formatToParts(ms)) p[x.type] = x.value;
  return {
    year: Number(p.year),
    month: Number(p.month),
    day: Number(p.day),
    hour: Number(p.hour),
    minute: Number(p.minute),
    weekday: WEEKDAY[p.weekday!] ?? 1,
  };
}

/**
 * The instant of a Rome wall-clock time. Rome is UTC+1 or UTC+2, so the answer is one
 * of two candidates. An hour repeated in October resolves to its first (summer) instance;
 * an hour skipped in March moves forward (02:30 → 03:30), as Temporal's "compatible".
 */
export function romeToMs(year: number, month: number, day: number, hour = 0, minute = 0): number {
  const wall = Date.UTC(year, month - 1, day, hour, minute);
  // Out-of-range fields (day 32, hour 24) roll over first, as Date.UTC does.
  const n = new Date(wall);
  for (const offsetH of [2, 1]) {
    const c = wall - offsetH * 3_600_000;
    const p = romeParts(c);
    if (
      p.year === n.getUTCFullYear() &&
      p.month === n.getUTCMonth() + 1 &&
      p.day === n.getUTCDate() &&
      p.hour === n.getUTCHours() &&
      p.minute === n.getUTCMinutes()
    ) {
      return c;
    }
  }
  return wall - 3_600_000;
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** 'YYYY-MM-DD' of the Rome calendar day of an instant. */
export function romeDateKey(ms: number): string {
  const p = romeParts(ms);
  return `${p.year}-${pad(p.month)}-${pad(p.day)}`;
}

/** 'HH:MM' in Rome. */
export function romeTime(ms: number): string {
  const p = romeParts(ms);
  return `${pad(p.hour)}:${pad(p.minute)}`;
}

/** The instant a Rome day ('YYYY-MM-DD') starts, plus `days` whole calendar days. */
export function romeDayStart(dateKey: string, days = 0): number {
  const [y, m, d] = dateKey.split('-').map(Number) as [number, number, number];
  const t = new Date(Date.UTC(y, m - 1, d + days));
  return romeToMs(t.getUTCFullYear(), t.getUTCMonth() + 1, t.getUTCDate());
}

/** '20260329T090000': the iCalendar local DATE-TIME of an instant in Rome. */
export function icalLocal(ms: number): string {
  const p = romeParts(ms);
  const s = new Date(ms).getUTCSeconds();
  return `${p.year}${pad(p.month)}${pad(p.day)}T${pad(p.hour)}${pad(p.minute)}${pad(s)}`;
}
