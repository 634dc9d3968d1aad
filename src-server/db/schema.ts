/**
 * The sync server's PostgreSQL schema (one schema for PostgreSQL and embedded PGlite).
 *
 * Business data lives in one generic, versioned row store: the business rules are in the
 * pure mutations of src-shared, so the server only needs to load rows by key, write the
 * rows a mutation returns, and hand out what changed since a cursor. Every write gets a
 * global, strictly increasing `version`; a deletion keeps the row as a tombstone (with its
 * last data) under a new version so that pull can send the removal.
 */
import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  customType,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  uniqueIndex,
} from 'drizzle-orm/pg-core';

export const syncRows = pgTable(
  'sync_rows',
  {
    /** A SyncTable name of src-shared/sync/protocol.ts. */
    tbl: text('tbl').notNull(),
    /** rowKey(tbl, row) of the protocol. */
    key: text('key').notNull(),
    /** The report for a report and its children, the group for group_members. */
    owner: text('owner'),
    data: jsonb('data').notNull(),
    version: bigint('version', { mode: 'number' }).notNull(),
    deleted: boolean('deleted').notNull().default(false),
  },
  (t) => [
    primaryKey({ columns: [t.tbl, t.key] }),
    // Unique: one row per version, so "version > cursor ORDER BY version" never ties.
    uniqueIndex('sync_rows_version_idx').on(t.version),
    index('sync_rows_owner_idx').on(t.tbl, t.owner),
    index('sync_rows_username_idx')
      .on(sql`(${t.data}->>'username')`)
      .where(sql`tbl = 'users'`),
    index('sync_rows_reporter_email_idx')
      .on(sql`(${t.data}->>'email')`)
      .where(sql`tbl = 'reporters'`),
    index('sync_rows_assignee_idx')
      .on(sql`(${t.data}->>'assigneeId')`)
      .where(sql`tbl = 'report_assignments'`),
    index('sync_rows_member_idx')
      .on(sql`(${t.data}->>'userId')`)
      .where(sql`tbl = 'group_members'`),
    // Who may download a blob: the attachments rows that reference its hash.
    index('sync_rows_attachment_sha_idx')
      .on(sql`(${t.data}->>'sha256')`)
      .where(sql`tbl = 'attachments'`),
  ],
);

const bytea = customType<{ data: Buffer }>({ dataType: () => 'bytea' });

/**
 * Attachment bytes by SHA-256, in the database rather than on a disk: several server
 * processes behind a load balancer share one PostgreSQL and nothing else, and a backup
 * of the database is a backup of everything. Written once, never rewritten.
 */
export const blobs = pgTable('blobs', {
  sha256: text('sha256').primaryKey(),
  size: bigint('size', { mode: 'number' }).notNull(),
  mime: text('mime').notNull(),
  data: bytea('data').notNull(),
  createdAt: bigint('created_at', { mode: 'number' }).notNull(),
  /** Who uploaded it first (audit; uploads precede the rows that reference them). */
  createdBy: text('created_by').notNull(),
});

/** Password hashes live only on the server (scrypt, see src-main/core/passwords.ts). */
export const credentials = pgTable('credentials', {
  userId: text('user_id').primaryKey(),
  passwordHash: text('password_hash').notNull(),
  changedAt: bigint('changed_at', { mode: 'number' }).notNull(),
});

/** Only the SHA-256 of a session token is stored: a copied database grants nothing. */
export const sessions = pgTable(
  'sessions',
  {
    tokenHash: text('token_hash').primaryKey(),
    userId: text('user_id').notNull(),
    clientId: text('client_id').notNull(),
    createdAt: bigint('created_at', { mode: 'number' }).notNull(),
    expiresAt: bigint('expires_at', { mode: 'number' }).notNull(),
  },
  (t) => [index('sessions_user_idx').on(t.userId)],
);

/** A replica (one PC's database): its push sequence, its provisional-code tag, its view. */
export const clients = pgTable('clients', {
  clientId: text('client_id').primaryKey(),
  userId: text('user_id').notNull(),
  lastSeq: bigint('last_seq', { mode: 'number' }).notNull().default(0),
  replicaTag: text('replica_tag').notNull().unique(),
  /** What the user could see when this replica last pulled (role, permission, groups). */
  viewHash: text('view_hash'),
  createdAt: bigint('created_at', { mode: 'number' }).notNull(),
});

/** Every pushed mutation and its outcome: exactly-once replay and an audit trail. */
export const mutationLog = pgTable(
  'mutation_log',
  {
    clientId: text('client_id').notNull(),
    seq: bigint('seq', { mode: 'number' }).notNull(),
    mutationId: text('mutation_id').notNull(),
    name: text('name').notNull(),
    args: jsonb('args'),
    actorId: text('actor_id').notNull(),
    status: text('status').notNull(),
    error: jsonb('error'),
    /** When the clerk did it (client clock, informative). */
    at: bigint('at', { mode: 'number' }).notNull(),
    appliedAt: bigint('applied_at', { mode: 'number' }).notNull(),
    /** Highest row version once this mutation was processed (for lastMutationSeq). */
    version: bigint('version', { mode: 'number' }).notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.clientId, t.seq] }),
    index('mutation_log_version_idx').on(t.clientId, t.version),
  ],
);

/** Final report codes per year (YYYY-NNNNNN): only the server hands them out. */
export const codeCounters = pgTable('code_counters', {
  year: integer('year').primaryKey(),
  lastSeq: integer('last_seq').notNull(),
});

/** Failed logins per username and per IP address (shared by every server process). */
export const loginThrottle = pgTable('login_throttle', {
  key: text('key').primaryKey(),
  failures: integer('failures').notNull(),
  firstFailureAt: bigint('first_failure_at', { mode: 'number' }).notNull(),
  lockedUntil: bigint('locked_until', { mode: 'number' }).notNull().default(0),
});

export const meta = pgTable('meta', {
  key: text('key').primaryKey(),
  value: jsonb('value').notNull(),
});

/**
 * Mail-out with a sync server: the server is the municipality's one sending node (see
 * src-server/mail-out/README.md). Emails are written here in the push transaction of
 * the mutation that causes them and delivered by the sender loop, which claims rows
 * with FOR UPDATE SKIP LOCKED so that several server processes never send one twice.
 */
export const mailOutbox = pgTable(
  'mail_outbox',
  {
    id: text('id').primaryKey(),
    reportId: text('report_id'),
    kind: text('kind').notNull(),
    toAddress: text('to_address').notNull(),
    subject: text('subject').notNull(),
    text: text('text').notNull(),
    html: text('html'),
    messageId: text('message_id').notNull(),
    headers: jsonb('headers').notNull(),
    attachments: jsonb('attachments').notNull(),
    /** queued, sending, sent, failed. */
    status: text('status').notNull(),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: bigint('next_attempt_at', { mode: 'number' }).notNull(),
    sendingSince: bigint('sending_since', { mode: 'number' }),
    lastError: text('last_error'),
    createdAt: bigint('created_at', { mode: 'number' }).notNull(),
    sentAt: bigint('sent_at', { mode: 'number' }),
  },
  (t) => [
    index('mail_outbox_due_idx').on(t.status, t.nextAttemptAt),
    index('mail_outbox_report_idx').on(t.reportId, t.createdAt),
  ],
);

/**
 * Mail-out settings of the server (administrators edit them from a synced PC through
 * /mail/v1/call): `smtp` (the account; its password sealed with the server's key, never
 * sent to a PC), `rules` (notification switches), `templates` (reply and notification
 * texts). Not replicated: PCs ask the server.
 */
export const mailSettings = pgTable('mail_settings', {
  key: text('key').primaryKey(),
  value: jsonb('value').notNull(),
  updatedAt: bigint('updated_at', { mode: 'number' }).notNull(),
});

/**
 * Mail-in with a sync server: the IMAP mailboxes the server pulls (administrators edit
 * them from a synced PC; the password sealed with the server's key, never sent back).
 * When the PC syncs, only the server pulls: see src-server/mail-intake/.
 */
export const mailMailboxes = pgTable('mail_mailboxes', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  kind: text('kind').notNull(),
  host: text('host').notNull(),
  port: integer('port').notNull(),
  security: text('security').notNull(),
  username: text('username').notNull(),
  passwordSealed: text('password_sealed').notNull(),
  folder: text('folder').notNull(),
  processedFolder: text('processed_folder'),
  processedFlag: text('processed_flag').notNull(),
  pollSeconds: integer('poll_seconds').notNull(),
  useIdle: boolean('use_idle').notNull().default(true),
  reviewInbox: boolean('review_inbox').notNull().default(false),
  enabled: boolean('enabled').notNull(),
  updatedAt: bigint('updated_at', { mode: 'number' }).notNull(),
});

/** Per folder: UIDVALIDITY and the last UID read (a new UIDVALIDITY reads it all again). */
export const mailFolderState = pgTable(
  'mail_folder_state',
  {
    mailboxId: text('mailbox_id').notNull(),
    folder: text('folder').notNull(),
    uidValidity: text('uid_validity').notNull(),
    lastUid: bigint('last_uid', { mode: 'number' }).notNull(),
    updatedAt: bigint('updated_at', { mode: 'number' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.mailboxId, t.folder] })],
);

/**
 * Every message the server's intake handled, by its identity in the mailbox (mailKey,
 * see src-main/mail/identity.ts), written in the transaction of the report it became.
 */
export const mailMessages = pgTable(
  'mail_messages',
  {
    mailboxId: text('mailbox_id').notNull(),
    mailKey: text('mail_key').notNull(),
    messageId: text('message_id'),
    kind: text('kind').notNull(),
    reportId: text('report_id'),
    at: bigint('at', { mode: 'number' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.mailboxId, t.mailKey] })],
);

/**
 * "Da revisionare" with a sync server: messages of a server-pulled mailbox with the review
 * inbox on, parsed and with their files in the blob store, parked in the transaction that
 * records them in mail_messages. A clerk on any synced PC confirms category and place
 * (→ report.receiveMail at the deterministic `report_id`, with the clerk as actor) or
 * discards them; decided rows stay as the record of who decided what.
 */
export const mailReview = pgTable(
  'mail_review',
  {
    mailboxId: text('mailbox_id').notNull(),
    mailKey: text('mail_key').notNull(),
    reportId: text('report_id').notNull(),
    receivedAt: bigint('received_at', { mode: 'number' }).notNull(),
    /** The report.receiveMail arguments prepared by the intake. */
    args: jsonb('args').notNull(),
    /** 'pending' | 'confirmed' | 'discarded' */
    status: text('status').notNull().default('pending'),
    decidedBy: text('decided_by'),
    decidedAt: bigint('decided_at', { mode: 'number' }),
    note: text('note'),
  },
  (t) => [
    primaryKey({ columns: [t.mailboxId, t.mailKey] }),
    uniqueIndex('mail_review_report_idx').on(t.reportId),
    index('mail_review_pending_idx')
      .on(t.receivedAt, t.mailKey)
      .where(sql`status = 'pending'`),
  ],
);
