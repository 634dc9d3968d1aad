/**
 * Forwarding to suppliers and colleague notifications.
 *
 * address_book: the "Rubrica fornitori", replicated business data (a settings table
 * like categories): administrators manage it, staff forward reports to its entries.
 * notification_reads: which in-app notifications a user has read on this PC. Local,
 * not synced: the notifications themselves are derived from replicated log entries
 * (assignments and @mentions), so only the read marker needs storing.
 */
import { index, integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core';

export const addressBook = sqliteTable(
  'address_book',
  {
    id: text('id').primaryKey(),
    name: text('name').notNull(),
    organisation: text('organisation').notNull().default(''),
    email: text('email').notNull(),
    /** JSON array of category ids the recipient usually handles. */
    categoryIds: text('category_ids').notNull().default('[]'),
    notes: text('notes').notNull().default(''),
    active: integer('active', { mode: 'boolean' }).notNull().default(true),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [index('address_book_name').on(t.name)],
);

export const notificationReads = sqliteTable(
  'notification_reads',
  {
    userId: text('user_id').notNull(),
    /** The log entry the notification is derived from. */
    entryId: text('entry_id').notNull(),
    readAt: integer('read_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.entryId] })],
);
