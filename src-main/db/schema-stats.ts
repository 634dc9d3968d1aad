/**
 * Summary tables behind the supervisors' dashboard (stats.get).
 *
 * Counting 1M reports by status, category, channel and assignee takes 60–250 ms per
 * GROUP BY even over covering indexes; the dashboard must answer in well under 50 ms.
 * So the counts are kept per UTC calendar month by triggers on `reports` and
 * `report_assignments` (written by hand into the migration: drizzle has no triggers),
 * and a period [from, to) reads the whole months from here plus its two partial edge
 * months from `reports` through the covering index `stats_created_dims`.
 * A UTC month is only a bucket boundary: any instant can still be a period edge.
 */
import { integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/** `month` = year * 100 + month (UTC) of created_at; category '' = none. */
export const statsCounts = sqliteTable(
  'stats_counts',
  {
    month: integer('month').notNull(),
    status: text('status').notNull(),
    categoryId: text('category_id').notNull(),
    channel: text('channel').notNull(),
    n: integer('n').notNull(),
  },
  (t) => [primaryKey({ columns: [t.month, t.status, t.categoryId, t.channel] })],
);

/** Reports per assignee (user or group), by the report's created month and status. */
export const statsAssigneeCounts = sqliteTable(
  'stats_assignee_counts',
  {
    month: integer('month').notNull(),
    status: text('status').notNull(),
    kind: text('kind').notNull(),
    assigneeId: text('assignee_id').notNull(),
    n: integer('n').notNull(),
  },
  (t) => [primaryKey({ columns: [t.month, t.status, t.kind, t.assigneeId] })],
);
