/**
 * Activities planned on reports (src-shared/domain/activities): singles, recurring series
 * and overrides of one occurrence, all replicated. WITHOUT ROWID, clustered by report
 * like log_entries (added by hand to the generated SQL), so a report's activities are one
 * range read. The agenda reads by time: singles and overrides by start_at, series (few)
 * by their own partial index and expanded in memory.
 */
import { sql } from 'drizzle-orm';
import { index, integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core';

export const reportActivities = sqliteTable(
  'report_activities',
  {
    reportSeq: integer('report_seq').notNull(),
    id: text('id').notNull(),
    seriesId: text('series_id'),
    occurrenceStart: integer('occurrence_start'),
    title: text('title').notNull(),
    description: text('description').notNull().default(''),
    assigneeKind: text('assignee_kind'),
    assigneeId: text('assignee_id'),
    startAt: integer('start_at').notNull(),
    durationMin: integer('duration_min').notNull(),
    status: text('status').notNull(),
    completionNote: text('completion_note'),
    /** JSON of Recurrence; null for singles and overrides. */
    recurrence: text('recurrence'),
    /** End of the last occurrence (null: a series without end). */
    endsAt: integer('ends_at'),
    createdBy: text('created_by').notNull(),
    createdAt: integer('created_at').notNull(),
    updatedBy: text('updated_by').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.reportSeq, t.id] }),
    // Singles and overrides in a period (agenda, list, today on the Cruscotto).
    index('report_activities_start')
      .on(t.startAt)
      .where(sql`recurrence IS NULL`),
    // Series still running at a moment (ends_at NULL = no end).
    index('report_activities_series')
      .on(t.endsAt)
      .where(sql`recurrence IS NOT NULL`),
    // Overdue: still open singles and overrides, by start.
    index('report_activities_open')
      .on(t.startAt)
      .where(sql`recurrence IS NULL AND status IN ('da_fare','in_corso')`),
  ],
);
