/** Activity planning: a report's activities, the planned list and agenda, and their changes. */
import { z } from 'zod';
import {
  zActivityFields,
  zActivityStatus,
  zAssigneeRef,
  zCompletionNote,
  zRecurrence,
} from '../domain/activities/activity';
import { zId } from '../domain/schemas';
import { call, idOut, ok } from './call';

const DAY = 86_400_000;

export const zOccurrenceView = z.object({
  activityId: z.string(),
  reportId: z.string(),
  reportCode: z.string(),
  reportTitle: z.string(),
  seriesId: z.string().nullable(),
  occurrenceStart: z.number().nullable(),
  computed: z.boolean(),
  title: z.string(),
  description: z.string(),
  assigneeKind: z.enum(['user', 'group']).nullable(),
  assigneeId: z.string().nullable(),
  assigneeName: z.string().nullable(),
  startAt: z.number(),
  durationMin: z.number(),
  status: zActivityStatus,
  completionNote: z.string().nullable(),
  overdue: z.boolean(),
  /** Italian description of the series' rule, for occurrences of a series. */
  recurrenceText: z.string().nullable(),
});
export type OccurrenceView = z.infer<typeof zOccurrenceView>;

export const zSeriesView = z.object({
  id: z.string(),
  title: z.string(),
  description: z.string(),
  assigneeKind: z.enum(['user', 'group']).nullable(),
  assigneeId: z.string().nullable(),
  assigneeName: z.string().nullable(),
  startAt: z.number(),
  durationMin: z.number(),
  status: zActivityStatus,
  recurrence: zRecurrence,
  recurrenceText: z.string(),
  endsAt: z.number().nullable(),
});
export type SeriesView = z.infer<typeof zSeriesView>;

export const zActivityListInput = z
  .object({
    /** Period, epoch ms: occurrences starting in [from, to). At most 400 days. */
    from: z.number().int(),
    to: z.number().int(),
    /** A user or group, 'mine' (the caller and their groups), or null for everybody. */
    assignee: z
      .union([zAssigneeRef, z.literal('mine')])
      .nullable()
      .default(null),
    statuses: z.array(zActivityStatus).max(4).default([]),
    overdueOnly: z.boolean().default(false),
    reportId: zId.nullable().default(null),
  })
  .refine((i) => i.to > i.from && i.to - i.from <= 400 * DAY, {
    message: 'Il periodo deve avere la fine dopo l’inizio e durare al massimo 400 giorni.',
  });
export type ActivityListInput = z.input<typeof zActivityListInput>;

const zTarget = {
  reportId: zId,
  activityId: zId,
  occurrenceStart: z.number().int().nullable().default(null),
};

export const activityCalls = {
  'activities.list': call(
    zActivityListInput,
    z.object({ occurrences: z.array(zOccurrenceView), truncated: z.boolean() }),
  ),
  'activities.ofReport': call(
    z.object({ reportId: zId }),
    z.object({
      /** Single activities and occurrences (the series' recent and next ones), by start. */
      occurrences: z.array(zOccurrenceView),
      series: z.array(zSeriesView),
    }),
  ),
  'activities.create': call(z.object({ reportId: zId, fields: zActivityFields }), idOut),
  'activities.update': call(z.object({ ...zTarget, fields: zActivityFields }), idOut),
  'activities.setStatus': call(z.object({ ...zTarget, status: zActivityStatus, note: zCompletionNote }), ok),
};
