/**
 * The local replica's schema (drizzle). Migrations are generated into drizzle/ with
 * `npm run db:generate` and applied at start-up.
 *
 * Storage choices, measured against the 2 KB-per-report budget at 1M reports:
 * - reports keep a UUIDv7 `id` (the global identity that sync uses) and an integer
 *   `seq` (the SQLite rowid). Child tables reference `report_seq`, which costs 1–4
 *   bytes per row and per index entry instead of 36.
 * - child tables are WITHOUT ROWID, clustered by report (added by hand to the generated
 *   SQL: drizzle has no option for it), so a report's log or reporters are one range
 *   read and need no second index.
 * - the full-text index is a contentless FTS5 table (created in a custom migration).
 */
import { sql } from 'drizzle-orm';
import { index, integer, primaryKey, real, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

const openStatuses = sql`status IN ('nuovo','in_gestione')`;

export const reports = sqliteTable(
  'reports',
  {
    seq: integer('seq').primaryKey(),
    id: text('id').notNull(),
    code: text('code').notNull(),
    title: text('title').notNull(),
    description: text('description').notNull().default(''),
    categoryId: text('category_id'),
    address: text('address').notNull().default(''),
    lat: real('lat'),
    lon: real('lon'),
    channel: text('channel').notNull(),
    status: text('status').notNull(),
    outcomeId: text('outcome_id'),
    closingNote: text('closing_note'),
    priority: text('priority').notNull().default('normale'),
    dueAt: integer('due_at'),
    mergedInto: text('merged_into'),
    /** The status a merged ("aggregata") report had: un-merging restores it. */
    mergedFromStatus: text('merged_from_status'),
    createdBy: text('created_by').notNull(),
    createdAt: integer('created_at').notNull(),
    updatedBy: text('updated_by').notNull(),
    updatedAt: integer('updated_at').notNull(),
    closedAt: integer('closed_at'),
  },
  (t) => [
    uniqueIndex('reports_id').on(t.id),
    uniqueIndex('reports_code').on(t.code),
    // The default list (Nuovo + In gestione, newest first) reads this partial index only.
    index('reports_open_created').on(t.createdAt).where(openStatuses),
    index('reports_status_created').on(t.status, t.createdAt),
    index('reports_category_created').on(t.categoryId, t.createdAt),
    index('reports_open_due')
      .on(t.dueAt)
      .where(sql`status IN ('nuovo','in_gestione') AND due_at IS NOT NULL`),
    // Every list filter has an index to start from, newest first.
    index('reports_created').on(t.createdAt),
    index('reports_channel_created').on(t.channel, t.createdAt),
    index('reports_outcome_created')
      .on(t.outcomeId, t.createdAt)
      .where(sql`outcome_id IS NOT NULL`),
    // The reports merged into a main one (its detail, its closure's recipients).
    index('reports_merged_into')
      .on(t.mergedInto)
      .where(sql`merged_into IS NOT NULL`),
  ],
);

/** Codes a report answered to before (provisional codes, merged reports). */
export const reportCodes = sqliteTable('report_codes', {
  code: text('code').primaryKey(),
  reportId: text('report_id').notNull(),
});

export const reportAssignments = sqliteTable(
  'report_assignments',
  {
    reportSeq: integer('report_seq').notNull(),
    kind: text('kind').notNull(),
    assigneeId: text('assignee_id').notNull(),
    assignedAt: integer('assigned_at').notNull(),
    assignedBy: text('assigned_by').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.reportSeq, t.kind, t.assigneeId] }),
    index('report_assignments_assignee').on(t.assigneeId, t.reportSeq),
  ],
);

export const reportReporters = sqliteTable(
  'report_reporters',
  {
    reportSeq: integer('report_seq').notNull(),
    reporterId: text('reporter_id').notNull(),
    position: integer('position').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.reportSeq, t.reporterId] }),
    index('report_reporters_reporter').on(t.reporterId),
  ],
);

export const reporters = sqliteTable(
  'reporters',
  {
    id: text('id').primaryKey(),
    nome: text('nome').notNull(),
    cognome: text('cognome').notNull(),
    email: text('email'),
    telefono: text('telefono'),
    codiceFiscale: text('codice_fiscale'),
    indirizzo: text('indirizzo'),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [
    index('reporters_cognome').on(sql`${t.cognome} COLLATE NOCASE`, sql`${t.nome} COLLATE NOCASE`),
    index('reporters_nome').on(sql`${t.nome} COLLATE NOCASE`),
    index('reporters_email').on(t.email),
    index('reporters_telefono').on(t.telefono),
  ],
);

export const attachments = sqliteTable(
  'attachments',
  {
    id: text('id').primaryKey(),
    reportSeq: integer('report_seq').notNull(),
    sha256: text('sha256').notNull(),
    fileName: text('file_name').notNull(),
    mime: text('mime').notNull(),
    size: integer('size').notNull(),
    hasThumb: integer('has_thumb', { mode: 'boolean' }).notNull().default(false),
    createdBy: text('created_by').notNull(),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [index('attachments_report').on(t.reportSeq), index('attachments_sha256').on(t.sha256)],
);

export const logEntries = sqliteTable(
  'log_entries',
  {
    reportSeq: integer('report_seq').notNull(),
    id: text('id').notNull(),
    at: integer('at').notNull(),
    actorId: text('actor_id').notNull(),
    kind: text('kind').notNull(),
    action: text('action').notNull(),
    data: text('data'),
    text: text('text'),
    mentions: text('mentions'),
  },
  (t) => [
    primaryKey({ columns: [t.reportSeq, t.id] }),
    // Colleague notifications (derived from the log): assignments by assignee, mentions.
    index('log_entries_assigned')
      .on(sql`json_extract(${t.data}, '$.assigneeId')`, t.at)
      .where(sql`${t.action} = 'assigned'`),
    index('log_entries_mentions')
      .on(t.at)
      .where(sql`${t.mentions} IS NOT NULL`),
  ],
);

export const categories = sqliteTable('categories', {
  id: text('id').primaryKey(),
  parentId: text('parent_id'),
  name: text('name').notNull(),
  active: integer('active', { mode: 'boolean' }).notNull().default(true),
  daysToClose: integer('days_to_close'),
  /** Likely duplicates within this many metres (null = 250, 0 = no suggestions). */
  duplicateRadiusM: integer('duplicate_radius_m'),
  /** … and this many days (null = 30). */
  duplicateDays: integer('duplicate_days'),
  sortOrder: integer('sort_order').notNull().default(0),
  updatedAt: integer('updated_at').notNull(),
});

export const outcomes = sqliteTable('outcomes', {
  id: text('id').primaryKey(),
  label: text('label').notNull(),
  kind: text('kind').notNull(),
  active: integer('active', { mode: 'boolean' }).notNull().default(true),
  sortOrder: integer('sort_order').notNull().default(0),
  updatedAt: integer('updated_at').notNull(),
});

export const users = sqliteTable(
  'users',
  {
    id: text('id').primaryKey(),
    username: text('username').notNull(),
    fullName: text('full_name').notNull(),
    email: text('email'),
    role: text('role').notNull(),
    canReply: integer('can_reply', { mode: 'boolean' }).notNull().default(false),
    majorEdits: integer('major_edits', { mode: 'boolean' }).notNull().default(false),
    seesReporterData: integer('sees_reporter_data', { mode: 'boolean' }).notNull().default(false),
    statistics: integer('statistics', { mode: 'boolean' }).notNull().default(false),
    export: integer('export', { mode: 'boolean' }).notNull().default(false),
    active: integer('active', { mode: 'boolean' }).notNull().default(true),
    notifyByEmail: integer('notify_by_email', { mode: 'boolean' }).notNull().default(false),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [uniqueIndex('users_username').on(t.username)],
);

export const groups = sqliteTable('groups', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  description: text('description').notNull().default(''),
  active: integer('active', { mode: 'boolean' }).notNull().default(true),
  updatedAt: integer('updated_at').notNull(),
});

export const groupMembers = sqliteTable(
  'group_members',
  {
    groupId: text('group_id').notNull(),
    userId: text('user_id').notNull(),
  },
  (t) => [primaryKey({ columns: [t.groupId, t.userId] }), index('group_members_user').on(t.userId)],
);

/** Local credentials (standalone mode). With a sync server the hashes live there. */
export const credentials = sqliteTable('credentials', {
  userId: text('user_id').primaryKey(),
  passwordHash: text('password_hash').notNull(),
  changedAt: integer('changed_at').notNull(),
});

export const sessions = sqliteTable(
  'sessions',
  {
    tokenHash: text('token_hash').primaryKey(),
    userId: text('user_id').notNull(),
    createdAt: integer('created_at').notNull(),
    expiresAt: integer('expires_at').notNull(),
  },
  (t) => [index('sessions_user').on(t.userId)],
);

/** Every mutation applied locally, in order, as the sync client will push it. */
export const outbox = sqliteTable('outbox', {
  seq: integer('seq').primaryKey({ autoIncrement: true }),
  mutationId: text('mutation_id').notNull().unique(),
  name: text('name').notNull(),
  args: text('args').notNull(),
  actorId: text('actor_id').notNull(),
  at: integer('at').notNull(),
  status: text('status').notNull().default('pending'),
  /**
   * Synced replicas only: the rows this mutation overwrote, as they were before
   * (JSON [{ table, key, before }]). Rebasing on pulled server state restores them,
   * then replays the mutation.
   */
  undo: text('undo'),
});

export const codeCounters = sqliteTable('code_counters', {
  year: integer('year').primaryKey(),
  lastSeq: integer('last_seq').notNull(),
});

export const meta = sqliteTable('meta', {
  key: text('key').primaryKey(),
  value: text('value').notNull(),
});
