/**
 * Mail intake bookkeeping, local to this installation (not business data, not synced):
 * the mailboxes this PC (or server) pulls, where each folder's reading got to, and the
 * messages already handled. Reports, follow-ups and log entries are written by the
 * mail mutations like any other business data.
 */
import { index, integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core';

export const mailMailboxes = sqliteTable('mail_mailboxes', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  /** 'ordinary' | 'pec' */
  kind: text('kind').notNull().default('ordinary'),
  host: text('host').notNull(),
  port: integer('port').notNull(),
  /** 'tls' | 'starttls' | 'none' */
  security: text('security').notNull().default('tls'),
  username: text('username').notNull(),
  /** Sealed by the PasswordCipher (scheme-tagged); never returned by the API. */
  passwordSealed: text('password_sealed').notNull(),
  folder: text('folder').notNull().default('INBOX'),
  /** Move handled mail here; when null, flag it with processedFlag instead. */
  processedFolder: text('processed_folder'),
  processedFlag: text('processed_flag').notNull().default('$SportelloAcquisito'),
  pollSeconds: integer('poll_seconds').notNull().default(120),
  useIdle: integer('use_idle', { mode: 'boolean' }).notNull().default(true),
  /** New reports wait in "Da revisionare" until a clerk confirms category and place. */
  reviewInbox: integer('review_inbox', { mode: 'boolean' }).notNull().default(false),
  enabled: integer('enabled', { mode: 'boolean' }).notNull().default(true),
  updatedAt: integer('updated_at').notNull(),
});

export const mailFolderState = sqliteTable(
  'mail_folder_state',
  {
    mailboxId: text('mailbox_id').notNull(),
    folder: text('folder').notNull(),
    uidValidity: text('uid_validity').notNull(),
    lastUid: integer('last_uid').notNull().default(0),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.mailboxId, t.folder] })],
);

/** Every message handled, whatever became of it (report, follow-up, bounce, skipped). */
export const mailMessages = sqliteTable(
  'mail_messages',
  {
    mailboxId: text('mailbox_id').notNull(),
    /** Derived from the Message-ID (or the raw bytes when there is none). */
    mailKey: text('mail_key').notNull(),
    messageId: text('message_id'),
    kind: text('kind').notNull(),
    reportId: text('report_id'),
    at: integer('at').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.mailboxId, t.mailKey] }),
    index('mail_messages_message_id').on(t.mailboxId, t.messageId),
  ],
);

/**
 * "Da revisionare": messages of a mailbox with the review inbox on, parsed and with
 * their files stored, waiting for a clerk to confirm category and place (→ the report,
 * at the same deterministic id the intake would have used) or to discard them. Kept on
 * the installation that pulls the mailbox, like the rest of this file; decided rows stay
 * as the record of who decided what.
 */
export const mailReview = sqliteTable(
  'mail_review',
  {
    mailboxId: text('mailbox_id').notNull(),
    mailKey: text('mail_key').notNull(),
    reportId: text('report_id').notNull(),
    receivedAt: integer('received_at').notNull(),
    /** The report.receiveMail arguments prepared by the intake (JSON). */
    args: text('args').notNull(),
    /** 'pending' | 'confirmed' | 'discarded' */
    status: text('status').notNull().default('pending'),
    decidedBy: text('decided_by'),
    decidedAt: integer('decided_at'),
    note: text('note'),
  },
  (t) => [
    primaryKey({ columns: [t.mailboxId, t.mailKey] }),
    index('mail_review_status').on(t.status, t.receivedAt),
  ],
);
