/**
 * Europe/Rome wall-clock time without an Intl call per value: Intl formatting costs
 * microseconds, and an export formats millions of dates. Rome's offset only changes
 * on whole UTC hours, so it is computed once per hour and cached.
 */
const parts = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/Rome',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});
const HOUR = 3_600_000;
const offsets = new Map<number, number>();

/** Milliseconds to add to a UTC instant to get Rome's wall-clock time (1 or 2 hours). */
export function romeOffsetMs(ms: number): number {
  const hour = Math.floor(ms / HOUR);
  let off = offsets.get(hour);
  if (off === undefined) {
    const p: Record<string, number> = {};
    for (const x of parts.formatToParts(hour * HOUR)) if (x.type !== 'literal') p[x.type] = Number(x.value);
    off = Date.UTC(p.year!, p.month! - 1, p.day!, p.hour!, p.minute!) - hour * HOUR;
    if (offsets.size > 200_000) offsets.clear();
    offsets.set(hour, off);
  }
  return off;
}

/** A Date whose UTC fields are Rome's wall clock: what a spreadsheet cell should show. */
export const romeWallDate = (ms: number) => new Date(ms + romeOffsetMs(ms));

const two = (n: number) => (n < 10 ? '0' + n : String(n));

const DAY = 86_400_000;
const days = new Map<number, string>();

/** dd/mm/yyyy of a Rome calendar day number (days since the epoch, wall clock). */
function dayText(day: number): string {
  let t = days.get(day);
  if (t === undefined) {
    const d = new Date(day * DAY);
    t = `${two(d.getUTCDate())}/${two(d.getUTCMonth() + 1)}/${d.getUTCFullYear()}`;
    if (days.size > 100_000) days.clear();
    days.set(day, t);
  }
  return t;
}

/** dd/mm/yyyy in Rome. A million rows span a few thousand days: the text is cached per day. */
export function formatDateIt(ms: number): string {
  return dayText(Math.floor((ms + romeOffsetMs(ms)) / DAY));
}

/** dd/mm/yyyy hh:mm in Rome. */
export function formatDateTimeIt(ms: number): string {
  const wall = ms + romeOffsetMs(ms);
  const day = Math.floor(wall / DAY);
  const min = Math.floor((wall - day * DAY) / 60_000);
  return `${dayText(day)} ${two(Math.floor(min / 60))}:${two(min % 60)}`;
}

/** The instant of midnight in Rome of the given Rome calendar day. */
export function romeMidnight(year: number, month0: number, day: number): number {
  const guess = Date.UTC(year, month0, day);
  // Midnight in Rome is 22:00 or 23:00 UTC of the day before; the offset at that instant decides.
  return guess - romeOffsetMs(guess - 2 * HOUR);
}
