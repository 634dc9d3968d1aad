/** Dates and sizes as an Italian clerk reads them; always in Europe/Rome. */
const TZ = 'Europe/Rome';

const dateFmt = new Intl.DateTimeFormat('it-IT', {
  timeZone: TZ,
  day: '2-digit',
  month: '2-digit',
  year: 'numeric',
});
const timeFmt = new Intl.DateTimeFormat('it-IT', {
  timeZone: TZ,
  hour: '2-digit',
  minute: '2-digit',
  hour12: false,
});

export function formatDate(ms: number | null | undefined): string {
  return ms == null ? '' : dateFmt.format(ms);
}

export function formatDateTime(ms: number | null | undefined): string {
  return ms == null ? '' : `${dateFmt.format(ms)} ${timeFmt.format(ms)}`;
}

/** Offset of Europe/Rome from UTC at a given instant, in ms (+1h or +2h). */
function romeOffset(ms: number): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: TZ,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(ms);
  const get = (t: string) => Number(parts.find((p) => p.type === t)?.value ?? 0);
  const asUtc = Date.UTC(
    get('year'),
    get('month') - 1,
    get('day'),
    get('hour'),
    get('minute'),
    get('second'),
  );
  return asUtc - Math.floor(ms / 1000) * 1000;
}

/**
 * Midnight in Rome of an <input type="date"> value ("2026-03-29") as epoch ms.
 * `endExclusive` gives the next midnight, for an inclusive "to" day.
 */
export function romeDayStart(isoDate: string, endExclusive = false): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(isoDate);
  if (!m) return null;
  const utcMidnight = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]) + (endExclusive ? 1 : 0));
  // Two passes settle the offset on DST-change days.
  let guess = utcMidnight - romeOffset(utcMidnight);
  guess = utcMidnight - romeOffset(guess);
  return guess;
}

/** Epoch ms → "YYYY-MM-DD" of that day in Rome (for <input type="date">). */
export function toIsoDateRome(ms: number): string {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone: TZ,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(ms);
  return parts;
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(n < 10 * 1024 ? 1 : 0).replace('.', ',')} KB`;
  if (n < 1024 ** 3) return `${(n / 1024 / 1024).toFixed(1).replace('.', ',')} MB`;
  return `${(n / 1024 ** 3).toFixed(1).replace('.', ',')} GB`;
}

export const formatCount = (n: number) => new Intl.NumberFormat('it-IT').format(n);
