/**
 * The activity form's state as typed (strings, Rome date and time) and its conversion
 * to the API's fields. Pure, so the conversion across DST days is tested without a
 * window. The core validates again (zod): this only gives early, field-level messages.
 */
import type { ActivityFields, Recurrence, Weekday } from '../../src-shared/domain/activities/activity';
import { romeDateKey, romeParts, romeTime, romeToMs } from '../../src-shared/domain/activities/rome-time';

export const WEEKDAY_OPTIONS: { code: Weekday; short: string; long: string }[] = [
  { code: 'MO', short: 'lun', long: 'lunedì' },
  { code: 'TU', short: 'mar', long: 'martedì' },
  { code: 'WE', short: 'mer', long: 'mercoledì' },
  { code: 'TH', short: 'gio', long: 'giovedì' },
  { code: 'FR', short: 'ven', long: 'venerdì' },
  { code: 'SA', short: 'sab', long: 'sabato' },
  { code: 'SU', short: 'dom', long: 'domenica' },
];

export interface ActivityDraft {
  title: string;
  description: string;
  /** '' (nobody), 'user:<id>' or 'group:<id>'. */
  assignee: string;
  /** 'YYYY-MM-DD' and 'HH:MM', in Rome. */
  date: string;
  time: string;
  durationMin: number;
  repeats: boolean;
  freq: Recurrence['freq'];
  interval: number;
  byWeekday: Weekday[];
  end: 'never' | 'until' | 'count';
  until: string;
  count: number;
}

interface Source {
  title: string;
  description: string;
  assigneeKind: 'user' | 'group' | null;
  assigneeId: string | null;
  startAt: number;
  durationMin: number;
  recurrence?: Recurrence | null;
}

/** A new activity: tomorrow at 09:00, one hour, nobody. */
export function newDraft(now: number): ActivityDraft {
  const p = romeParts(now);
  const tomorrow = romeToMs(p.year, p.month, p.day + 1, 9, 0);
  return draftFrom({
    title: '',
    description: '',
    assigneeKind: null,
    assigneeId: null,
    startAt: tomorrow,
    durationMin: 60,
    recurrence: null,
  });
}

/** The weekday code of a Rome date ('YYYY-MM-DD'), or null when the text is not a date. */
export function weekdayOfDate(key: string): Weekday | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(key);
  if (!m) return null;
  return WEEKDAY_OPTIONS[romeParts(romeToMs(+m[1]!, +m[2]!, +m[3]!, 12, 0)).weekday - 1]!.code;
}

export function draftFrom(s: Source): ActivityDraft {
  const r = s.recurrence ?? null;
  const weekday = WEEKDAY_OPTIONS[romeParts(s.startAt).weekday - 1]!.code;
  return {
    title: s.title,
    description: s.description,
    assignee: s.assigneeKind && s.assigneeId ? `${s.assigneeKind}:${s.assigneeId}` : '',
    date: romeDateKey(s.startAt),
    time: romeTime(s.startAt),
    durationMin: s.durationMin,
    repeats: r !== null,
    freq: r?.freq ?? 'weekly',
    interval: r?.interval ?? 1,
    byWeekday: r?.byWeekday.length ? [...r.byWeekday] : [weekday],
    end: r?.until ? 'until' : r?.count ? 'count' : 'never',
    until: r?.until ?? '',
    count: r?.count ?? 10,
  };
}

export type DraftResult =
  { ok: true; fields: ActivityFields } | { ok: false; field: keyof ActivityDraft; message: string };

export function draftToFields(d: ActivityDraft, allowRecurrence = true): DraftResult {
  const title = d.title.trim();
  if (title.length < 2)
    return { ok: false, field: 'title', message: 'Scrivi un titolo (almeno 2 caratteri).' };
  const date = /^(\d{4})-(\d{2})-(\d{2})$/.exec(d.date);
  if (!date) return { ok: false, field: 'date', message: 'Indica la data dell’attività.' };
  const time = /^(\d{2}):(\d{2})$/.exec(d.time);
  if (!time) return { ok: false, field: 'time', message: 'Indica l’ora di inizio (es. 09:00).' };
  if (!Number.isInteger(d.durationMin) || d.durationMin < 5 || d.durationMin > 7 * 24 * 60) {
    return { ok: false, field: 'durationMin', message: 'La durata va da 5 minuti a 7 giorni.' };
  }
  const startAt = romeToMs(+date[1]!, +date[2]!, +date[3]!, +time[1]!, +time[2]!);
  const [kind, id] = d.assignee ? (d.assignee.split(':') as ['user' | 'group', string]) : [null, null];
  let recurrence: Recurrence | null = null;
  if (allowRecurrence && d.repeats) {
    if (!Number.isInteger(d.interval) || d.interval < 1 || d.interval > 99) {
      return { ok: false, field: 'interval', message: 'La ripetizione va da 1 a 99.' };
    }
    if (d.end === 'until' && !/^\d{4}-\d{2}-\d{2}$/.test(d.until)) {
      return { ok: false, field: 'until', message: 'Indica la data di fine della ripetizione.' };
    }
    if (d.end === 'until' && d.until < d.date) {
      return { ok: false, field: 'until', message: 'La data di fine viene prima dell’inizio.' };
    }
    if (d.end === 'count' && (!Number.isInteger(d.count) || d.count < 1 || d.count > 1000)) {
      return { ok: false, field: 'count', message: 'Il numero di volte va da 1 a 1000.' };
    }
    if (d.freq === 'weekly' && d.byWeekday.length === 0) {
      return { ok: false, field: 'byWeekday', message: 'Scegli almeno un giorno della settimana.' };
    }
    recurrence = {
      freq: d.freq,
      interval: d.interval,
      byWeekday: d.freq === 'weekly' ? d.byWeekday : [],
      until: d.end === 'until' ? d.until : null,
      count: d.end === 'count' ? d.count : null,
    };
  }
  return {
    ok: true,
    fields: {
      title,
      description: d.description.trim(),
      assignee: kind && id ? { kind, id } : null,
      startAt,
      durationMin: d.durationMin,
      recurrence,
    },
  };
}
