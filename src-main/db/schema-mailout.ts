/**
 * Outgoing mail, local to the node that sends (a standalone PC; later the sync server):
 * the outbox of emails with their delivery state, the SMTP account, the notification
 * switches and the reply templates. Not business data and not synced: what a citizen
 * was told is in the report's log (replies) or follows from it (notifications).
 */
import { index, integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core';

export const mailOutbox = sqliteTable(
  'mail_outbox',
  {
    id: text('id').primaryKey(),
    reportId: text('report_id'),
    /** receipt | in_charge | closure | reply | forward | colleague */
    kind: text('kind').notNull(),
    toAddress: text('to_address').notNull(),
    subject: text('subject').notNull(),
    text: text('text').notNull(),
    html: text('html'),
    /** Fixed when the row is written: a resend after a crash carries the same id. */
    messageId: text('message_id').notNull(),
    /** JSON object of extra headers (Auto-Submitted, …). */
    headers: text('headers').notNull().default('{}'),
    /** JSON array of { sha256, fileName, mime }. */
    attachments: text('attachments').notNull().default('[]'),
    /** queued | sending | sent | failed */
    status: text('status').notNull().default('queued'),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: integer('next_attempt_at').notNull(),
    sendingSince: integer('sending_since'),
    lastError: text('last_error'),
    createdAt: integer('created_at').notNull(),
    sentAt: integer('sent_at'),
  },
  (t) => [
    index('mail_outbox_due').on(t.status, t.nextAttemptAt),
    index('mail_outbox_report').on(t.reportId, t.createdAt),
  ],
);

/** The one SMTP account (id = 1). */
export const mailSmtp = sqliteTable('mail_smtp', {
  id: integer('id').primaryKey(),
  host: text('host').notNull(),
  port: integer('port').notNull(),
  /** 'tls' | 'starttls' | 'none' */
  security: text('security').notNull().default('starttls'),
  username: text('username').notNull().default(''),
  /** Sealed by the PasswordCipher; empty = no authentication. Never returned by the API. */
  passwordSealed: text('password_sealed').notNull().default(''),
  fromAddress: text('from_address').notNull(),
  fromName: text('from_name').notNull(),
  replyTo: text('reply_to'),
  enabled: integer('enabled', { mode: 'boolean' }).notNull().default(true),
  updatedAt: integer('updated_at').notNull(),
});

/** Notification switches: category_id '' = every category. */
export const mailNotifyRules = sqliteTable(
  'mail_notify_rules',
  {
    kind: text('kind').notNull(),
    categoryId: text('category_id').notNull().default(''),
    enabled: integer('enabled', { mode: 'boolean' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.kind, t.categoryId] })],
);

/** Reply templates (kind 'reply') and custom notification texts (kind = notification). */
export const mailTemplates = sqliteTable('mail_templates', {
  id: text('id').primaryKey(),
  kind: text('kind').notNull(),
  name: text('name').notNull(),
  subject: text('subject').notNull(),
  body: text('body').notNull(),
  active: integer('active', { mode: 'boolean' }).notNull().default(true),
  updatedAt: integer('updated_at').notNull(),
});
