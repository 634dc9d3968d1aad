/**
 * RRULE expansion (RFC 5545) for recurring activities, in Europe/Rome.
 *
 * The series is handed to rrule-temporal as `DTSTART;TZID=Europe/Rome:<local time>`, so
 * the rule runs on Rome wall-clock time: a weekly 09:00 stays 09:00 across the DST
 * changes (08:00Z in winter, 07:00Z in summer). RFC semantics apply as they are: a
 * monthly series on the 31st skips the months without a 31st, a local time that does not
 * exist on a spring-forward day is skipped, COUNT counts only real occurrences.
 *
 * Why occurrences are expanded on read rather than stored: a series is one replicated
 * row and an edited occurrence one more (an override), so a daily activity with no end
 * costs nothing on every PC and in every pull; editing the series re-plans every future
 * occurrence at once; no background job has to extend a horizon (on which PC? twice?).
 * Reading pays the price instead: each series is expanded for the window asked (about a
 * millisecond per series in rrule-temporal, whatever the window), and the expansion is
 * cached by rule text, so refreshing the agenda or moving to the next week reuses it.
 */
import { RRuleTemporal } from 'rrule-temporal';
import type { Recurrence, Weekday } from './activity';
import { WEEKDAYS } from './activity';
import { icalLocal, romeDayStart, romeParts, ROME } from './rome-time';

const FREQ = { daily: 'DAILY', weekly: 'WEEKLY', monthly: 'MONTHLY' } as const;

const texts = new Map<string, string>();

/** The iCalendar text of a series: DTSTART in Rome and its RRULE (memoised: Intl is slow). */
export function rruleText(startAt: number, r: Recurrence): string {
  const key = `${startAt}|${r.freq}|${r.interval}|${r.byWeekday.join(',')}|${r.until}|${r.count}`;
  let text = texts.get(key);
  if (text === undefined) {
    if (texts.size > 5000) texts.clear();
    texts.set(key, (text = buildText(startAt, r)));
  }
  return text;
}

function buildText(startAt: number, r: Recurrence): string {
  const parts = [`FREQ=${FREQ[r.freq]}`, `INTERVAL=${r.interval}`];
  if (r.freq === 'weekly') {
    // Italian weeks start on Monday: "every 2 weeks on Mon and Sun" depends on it.
    parts.push('WKST=MO');
    const days = r.byWeekday.length > 0 ? sortDays(r.byWeekday) : [WEEKDAYS[romeParts(startAt).weekday - 1]!];
    parts.push(`BYDAY=${days.join(',')}`);
  }
  if (r.count) parts.push(`COUNT=${r.count}`);
  if (r.until) {
    // Inclusive: every occurrence starting on that Rome day still counts.
    const end = romeDayStart(r.until, 1) - 1000;
    parts.push(
      `UNTIL=${new Date(end)
        .toISOString()
        .replace(/[-:]/g, '')
        .replace(/\.\d{3}/, '')}`,
    );
  }
  return `DTSTART;TZID=${ROME}:${icalLocal(startAt)}\nRRULE:${parts.join(';')}`;
}

const sortDays = (d: readonly Weekday[]) =>
  [...new Set(d)].sort((a, b) => WEEKDAYS.indexOf(a) - WEEKDAYS.indexOf(b));

const rules = new Map<string, RRuleTemporal>();

function ruleFor(text: string): RRuleTemporal {
  let rule = rules.get(text);
  if (!rule) {
    rule = new RRuleTemporal({ rruleString: text });
    if (rules.size > 2000) rules.clear();
    rules.set(text, rule);
  }
  return rule;
}

/**
 * Expanded occurrences by rule text (which includes DTSTART, so it fixes them all):
 * every call into the library costs about a millisecond whatever the window, so the
 * agenda expands a little more than it was asked (EXTRA on both sides) and serves the
 * next refresh, the next week or a report's panel from here.
 */
interface Expansion {
  from: number;
  to: number;
  starts: number[];
}
const expansions = new Map<string, Expansion>();
const EXTRA = 62 * 86_400_000;
const MAX_EXPANSIONS = 5000;

/** Forgets every cached expansion (benchmarks measure the cold case with it). */
export function clearExpansions(): void {
  expansions.clear();
}

function expansionFor(text: string, from: number, to: number): Expansion {
  const hit = expansions.get(text);
  if (hit && hit.from <= from && hit.to >= to) {
    // Least recently used goes first when the map is full.
    expansions.delete(text);
    expansions.set(text, hit);
    return hit;
  }
  const lo = Math.max(0, Math.min(from, hit?.from ?? from) - EXTRA);
  const hi = Math.max(to, hit?.to ?? to) + EXTRA;
  const starts = ruleFor(text)
    .between(new Date(lo), new Date(hi - 1), true)
    .map((z) => z.epochMilliseconds)
    .filter((t) => t >= lo && t < hi);
  const e = { from: lo, to: hi, starts };
  expansions.delete(text);
  if (expansions.size >= MAX_EXPANSIONS) expansions.delete(expansions.keys().next().value!);
  expansions.set(text, e);
  return e;
}

/** First index whose value is ≥ t. */
function lowerBound(xs: readonly number[], t: number): number {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (xs[mid]! < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Starts (epoch ms) of the occurrences that begin in [from, to). */
export function occurrenceStarts(startAt: number, r: Recurrence, from: number, to: number): number[] {
  if (to <= from) return [];
  const e = expansionFor(rruleText(startAt, r), from, to);
  return e.starts.slice(lowerBound(e.starts, from), lowerBound(e.starts, to));
}

/** Whether a series has an occurrence starting exactly at `t`. */
export function isOccurrence(startAt: number, r: Recurrence, t: number): boolean {
  return occurrenceStarts(startAt, r, t, t + 1).length === 1;
}

/** The first occurrence at or after the series' start, or null when the rule yields none. */
export function firstOccurrence(startAt: number, r: Recurrence): number | null {
  const z = ruleFor(rruleText(startAt, r)).next(new Date(startAt), true);
  return z ? z.epochMilliseconds : null;
}

/** The last occurrence's start, or null when the series never ends. */
export function lastOccurrence(startAt: number, r: Recurrence): number | null {
  if (!r.count && !r.until) return null;
  const all = ruleFor(rruleText(startAt, r)).all();
  return all.length ? all[all.length - 1]!.epochMilliseconds : null;
}

/** Italian one-line description of a rule ("Ogni 2 settimane: lun, gio · fino al 30/06/2026"). */
export function describeRecurrence(r: Recurrence): string {
  const unit = {
    daily: ['Ogni giorno', 'giorni'],
    weekly: ['Ogni settimana', 'settimane'],
    monthly: ['Ogni mese', 'mesi'],
  }[r.freq];
  let s = r.interval === 1 ? unit[0]! : `Ogni ${r.interval} ${unit[1]!}`;
  if (r.freq === 'weekly' && r.byWeekday.length > 0) {
    s += `: ${sortDays(r.byWeekday)
      .map((d) => WEEKDAY_SHORT[d])
      .join(', ')}`;
  }
  if (r.count) s += ` · ${r.count} volte`;
  if (r.until) s += ` · fino al ${r.until.split('-').reverse().join('/')}`;
  return s;
}

export const WEEKDAY_SHORT: Record<Weekday, string> = {
  MO: 'lun',
  TU: 'mar',
  WE: 'mer',
  TH: 'gio',
  FR: 'ven',
  SA: 'sab',
  SU: 'dom',
};
