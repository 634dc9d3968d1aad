/** Local tables of the sync client (not business data: never pushed). */
import { integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/** One row: how this replica talks to its server. */
export const syncState = sqliteTable('sync_state', {
  id: integer('id').primaryKey(),
  serverUrl: text('server_url').notNull(),
  clientId: text('client_id').notNull(),
  replicaTag: text('replica_tag'),
  /** The server session token of the last user who logged in on this PC. */
  token: text('token'),
  tokenUserId: text('token_user_id'),
  cursor: integer('cursor').notNull().default(0),
  /** Highest of this replica's mutation seqs the server has confirmed. */
  ackedSeq: integer('acked_seq').notNull().default(0),
  lastSyncAt: integer('last_sync_at'),
  lastError: text('last_error'),
  /** Set while a bootstrap is in progress, so an interrupted one resumes. */
  bootstrapping: integer('bootstrapping', { mode: 'boolean' }).notNull().default(false),
});

/** What the server refused, shown to the clerk until acknowledged. */
export const syncNotices = sqliteTable('sync_notices', {
  id: text('id').primaryKey(),
  at: integer('at').notNull(),
  reportId: text('report_id'),
  reportCode: text('report_code'),
  mutationName: text('mutation_name').notNull(),
  what: text('what').notNull(),
  message: text('message').notNull(),
  acknowledgedAt: integer('acknowledged_at'),
});

/**
 * Offline login: a user who logged in on this PC against the server can log in again
 * without network. Holds a scrypt verifier computed here (its own salt), never the
 * password and never the server's hash.
 */
export const offlineVerifiers = sqliteTable('offline_verifiers', {
  userId: text('user_id').primaryKey(),
  username: text('username').notNull(),
  verifier: text('verifier').notNull(),
  updatedAt: integer('updated_at').notNull(),
});
