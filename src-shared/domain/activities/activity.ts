/**
 * Activities planned on a report (a site inspection, a repair, a weekly check).
 *
 * One row type for three things, all in the replicated table report_activities:
 * - a single activity (recurrence null, seriesId null);
 * - a recurring series (recurrence set): its occurrences are computed, never stored;
 * - an override (seriesId + occurrenceStart set): one occurrence of a series moved,
 *   edited, completed or cancelled. It replaces the computed occurrence that starts at
 *   occurrenceStart and is shown at its own startAt.
 */
import { z } from 'zod';
import { zId } from '../schemas';
import type { AssigneeKind, Millis } from '../types';
import { ASSIGNEE_KINDS } from '../types';

export const ACTIVITY_STATUSES = ['da_fare', 'in_corso', 'completata', 'annullata'] as const;
export type ActivityStatus = (typeof ACTIVITY_STATUSES)[number];
export const OPEN_ACTIVITY_STATUSES: readonly ActivityStatus[] = ['da_fare', 'in_corso'];

export const ACTIVITY_STATUS_LABELS: Record<ActivityStatus, string> = {
  da_fare: 'Da fare',
  in_corso: 'In corso',
  completata: 'Completata',
  annullata: 'Annullata',
};

export const WEEKDAYS = ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'] as const;
export type Weekday = (typeof WEEKDAYS)[number];
export const FREQS = ['daily', 'weekly', 'monthly'] as const;

export const zRecurrence = z
  .object({
    freq: z.enum(FREQS),
    interval: z
      .number()
      .int()
      .min(1, { message: 'La ripetizione deve essere ogni 1 o più giorni, settimane o mesi.' })
      .max(99, { message: 'La ripetizione può essere al massimo ogni 99 periodi.' }),
    /** Weekly only: the days of the week; empty = the weekday of the start. */
    byWeekday: z.array(z.enum(WEEKDAYS)).max(7).default([]),
    /** Last day (Rome calendar, inclusive), 'YYYY-MM-DD'. */
    until: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}$/, { message: 'Data di fine non valida.' })
      .nullable()
      .default(null),
    count: z
      .number()
      .int()
      .min(1, { message: 'Il numero di ripetizioni deve essere almeno 1.' })
      .max(1000, { message: 'Al massimo 1000 ripetizioni.' })
      .nullable()
      .default(null),
  })
  .refine((r) => !(r.until && r.count), {
    message: 'Indica una data di fine oppure un numero di ripetizioni, non entrambi.',
  });
export type Recurrence = z.output<typeof zRecurrence>;

export const zActivityStatus = z.enum(ACTIVITY_STATUSES);

export const zAssigneeRef = z.object({ kind: z.enum(ASSIGNEE_KINDS), id: zId });

/** What a person types in the activity form. */
export const zActivityFields = z.object({
  title: z
    .string()
    .trim()
    .min(2, { message: 'Il titolo dell’attività deve avere almeno 2 caratteri.' })
    .max(200, { message: 'Titolo: al massimo 200 caratteri.' }),
  description: z
    .string()
    .trim()
    .max(5000, { message: 'Descrizione: al massimo 5000 caratteri.' })
    .default(''),
  assignee: zAssigneeRef.nullable().default(null),
  /** Planned start, epoch ms (the form converts Rome wall-clock time). */
  startAt: z.number().int().min(0),
  durationMin: z
    .number()
    .int()
    .min(5, { message: 'La durata deve essere di almeno 5 minuti.' })
    .max(7 * 24 * 60, { message: 'La durata può essere al massimo di 7 giorni.' }),
  recurrence: zRecurrence.nullable().default(null),
});
export type ActivityFields = z.output<typeof zActivityFields>;

export const zCompletionNote = z
  .string()
  .trim()
  .max(5000, { message: 'Nota: al massimo 5000 caratteri.' })
  .nullable()
  .default(null)
  .transform((v) => (v ? v : null));

export interface Activity {
  id: string;
  reportId: string;
  seriesId: string | null;
  occurrenceStart: Millis | null;
  title: string;
  description: string;
  assigneeKind: AssigneeKind | null;
  assigneeId: string | null;
  startAt: Millis;
  durationMin: number;
  status: ActivityStatus;
  completionNote: string | null;
  recurrence: Recurrence | null;
  /** Series: when its last occurrence ends (null = no end). Others: their own end. */
  endsAt: Millis | null;
  createdBy: string;
  createdAt: Millis;
  updatedBy: string;
  updatedAt: Millis;
}

/** One thing to do at one time: a single activity, an override, or a computed occurrence. */
export interface Occurrence {
  /** The row that holds it: the single activity, the override, or the series. */
  activityId: string;
  reportId: string;
  /** Set for occurrences of a series (computed or overridden). */
  seriesId: string | null;
  /** The occurrence's start in its series (identifies it); null for single activities. */
  occurrenceStart: Millis | null;
  /** True when the row is the series itself (no override yet). */
  computed: boolean;
  title: string;
  description: string;
  assigneeKind: AssigneeKind | null;
  assigneeId: string | null;
  startAt: Millis;
  durationMin: number;
  status: ActivityStatus;
  completionNote: string | null;
}

export const isOpenStatus = (s: ActivityStatus) => s === 'da_fare' || s === 'in_corso';

export function occurrenceOverdue(o: Pick<Occurrence, 'startAt' | 'durationMin' | 'status'>, now: number) {
  return isOpenStatus(o.status) && o.startAt + o.durationMin * 60_000 < now;
}
