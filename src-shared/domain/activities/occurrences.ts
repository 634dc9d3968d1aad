/**
 * From stored rows (singles, series, overrides) to the occurrences of a window. Pure:
 * the PC's queries and the tests call the same function.
 */
import type { Activity, ActivityStatus, Occurrence } from './activity';
import { lastOccurrence, occurrenceStarts } from './recurrence';

const MINUTE = 60_000;

function fromRow(a: Activity, computedStart: number | null): Occurrence {
  const computed = computedStart !== null;
  // A cancelled series cancels its computed occurrences; the others are still to do.
  const status: ActivityStatus = computed ? (a.status === 'annullata' ? 'annullata' : 'da_fare') : a.status;
  return {
    activityId: a.id,
    reportId: a.reportId,
    seriesId: computed ? a.id : a.seriesId,
    occurrenceStart: computed ? computedStart : a.occurrenceStart,
    computed,
    title: a.title,
    description: a.description,
    assigneeKind: a.assigneeKind,
    assigneeId: a.assigneeId,
    startAt: computed ? computedStart : a.startAt,
    durationMin: a.durationMin,
    status,
    completionNote: computed ? null : a.completionNote,
  };
}

/**
 * Occurrences starting in [from, to), sorted by start. `rows` must hold, for every
 * series, all its overrides (they hide the computed occurrence they replace even when
 * they were moved out of the window).
 */
export function occurrencesInWindow(rows: readonly Activity[], from: number, to: number): Occurrence[] {
  const overridden = new Set<string>();
  for (const a of rows)
    if (a.seriesId && a.occurrenceStart !== null) overridden.add(`${a.seriesId}@${a.occurrenceStart}`);
  const out: Occurrence[] = [];
  for (const a of rows) {
    if (a.recurrence) {
      for (const t of occurrenceStarts(a.startAt, a.recurrence, from, to)) {
        if (!overridden.has(`${a.id}@${t}`)) out.push(fromRow(a, t));
      }
    } else if (a.startAt >= from && a.startAt < to) {
      out.push(fromRow(a, null));
    }
  }
  return out.sort(byStart);
}

/**
 * By start, then title (plain code-unit order: a tie-break only, and localeCompare
 * costs microseconds per call, which a month of occurrences multiplies).
 */
export function byStart(x: Occurrence, y: Occurrence): number {
  return x.startAt - y.startAt || (x.title < y.title ? -1 : x.title > y.title ? 1 : 0);
}

/** The stored `endsAt` of a row: the end of its last occurrence (null: a series with no end). */
export function endsAtOf(a: Pick<Activity, 'startAt' | 'durationMin' | 'recurrence'>): number | null {
  if (!a.recurrence) return a.startAt + a.durationMin * MINUTE;
  const last = lastOccurrence(a.startAt, a.recurrence);
  return last === null ? null : last + a.durationMin * MINUTE;
}
