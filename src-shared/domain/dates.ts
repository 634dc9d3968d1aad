const DAY = 86_400_000;

/** Deadline from the category's days to close; null when the category has none. */
export function dueAtFor(createdAt: number, daysToClose: number | null | undefined): number | null {
  if (daysToClose == null || daysToClose <= 0) return null;
  return createdAt + daysToClose * DAY;
}

export function isOverdue(dueAt: number | null, status: string, now: number): boolean {
  return dueAt != null && status !== 'chiuso' && dueAt < now;
}

/** The calendar year of a moment in Italy (reports are numbered per year). */
// Built once: constructing an Intl formatter costs more than a whole report insert.
const ROME_YEAR = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Rome', year: 'numeric' });
export function yearInRome(ms: number): number {
  return Number(ROME_YEAR.format(ms));
}
