/**
 * The sync protocol between a replica (a PC) and the Sportello server.
 * Replicache/Linear style: the client pushes the named mutations it applied
 * optimistically; the server replays them authoritatively (same pure functions from
 * src-shared/domain/mutations, the authenticated user as actor) and gives every row it
 * writes a global, strictly increasing version; clients pull rows changed since their
 * cursor and rebase their still-pending mutations on top.
 *
 * Transport: HTTP JSON under /sync/v1/…, bearer session token; a WebSocket at
 * /sync/v1/poke tells connected clients "something changed, pull now".
 */
import { z } from 'zod';

/** Bumped when the wire format changes incompatibly. */
export const PROTOCOL_VERSION = 1;

/**
 * The replicated tables and columns a replica understands. A replica older than the
 * server's would fail on rows it has no table for, so the server tells it to update
 * (its outbox stays intact) instead.
 * 1: reports, reporters, settings, log, attachments.
 * 2: automation_rules, address_book, report_activities, merges (status «aggregata»).
 */
export const WIRE_SCHEMA_VERSION = 2;

/** Rows travel as the domain rows of src-shared/domain/mutations/framework.ts TableRows. */
export const SYNC_TABLES = [
  'users',
  'groups',
  'group_members',
  'categories',
  'outcomes',
  'reporters',
  'reports',
  'report_codes',
  'report_assignments',
  'report_reporters',
  'attachments',
  'log_entries',
  'automation_rules',
  'report_activities',
  'address_book',
] as const;
export type SyncTable = (typeof SYNC_TABLES)[number];

export const zHello = z.object({
  protocolVersion: z.number().int(),
  schemaVersion: z.number().int(),
  appVersion: z.string(),
});

export const zHelloResponse = z.object({
  ok: z.boolean(),
  protocolVersion: z.number().int(),
  minClientSchemaVersion: z.number().int(),
  serverVersion: z.string(),
  /** Italian, shown as is when ok is false ("Aggiorna Sportello…"). */
  message: z.string().nullable(),
});

export const zLoginRequest = z.object({
  username: z.string().min(1).max(40),
  password: z.string().min(1).max(200),
  clientId: z.string().uuid(),
});
export const zLoginResponse = z.object({
  token: z.string(),
  expiresAt: z.number(),
  userId: z.string(),
  /** The replica's tag for provisional codes (unique per client, handed out by the server). */
  replicaTag: z.string().regex(/^[B-DF-HJ-NP-TV-Z]{4}$/),
});

export const zPushedMutation = z.object({
  /** Per-client sequence number, strictly increasing, starting at 1. */
  seq: z.number().int().positive(),
  mutationId: z.string().uuid(),
  name: z.string().max(100),
  args: z.unknown(),
  /** When the clerk did it (client clock): informative only, never trusted for ordering. */
  at: z.number().int(),
});

export const zPushRequest = z.object({
  clientId: z.string().uuid(),
  mutations: z.array(zPushedMutation).min(1).max(500),
});

export const zMutationOutcome = z.object({
  seq: z.number().int(),
  status: z.enum(['applied', 'rejected', 'duplicate']),
  /** For rejected: the DomainError code and its Italian message. */
  error: z.object({ code: z.string(), message: z.string() }).nullable(),
});

export const zPushResponse = z.object({
  /** Highest seq of this client the server has processed (applied or rejected). */
  lastSeq: z.number().int(),
  outcomes: z.array(zMutationOutcome),
});

export const zPullRequest = z.object({
  clientId: z.string().uuid(),
  /** 0 for a new replica (bootstrap). */
  cursor: z.number().int().min(0),
  limit: z.number().int().min(1).max(10_000).default(5_000),
});

/** A row put or removed. `key` identifies the row within its table (see rowKey). */
export const zRowChange = z.object({
  table: z.enum(SYNC_TABLES),
  op: z.enum(['put', 'del']),
  key: z.string(),
  /** The domain row for put; null for del. */
  row: z.record(z.string(), z.unknown()).nullable(),
});
export type RowChange = z.infer<typeof zRowChange>;

export const zPullResponse = z.object({
  changes: z.array(zRowChange),
  /** Cursor to send next time (the highest version included). */
  cursor: z.number().int(),
  /** More changes wait: pull again at once. */
  more: z.boolean(),
  /** Highest mutation seq of this client reflected in the data up to `cursor`. */
  lastMutationSeq: z.number().int(),
  /** The client must drop its replica and bootstrap from 0 (e.g. its visibility changed wholesale). */
  reset: z.boolean().default(false),
  /** For progress bars during a bootstrap: rows in the whole snapshot, if known. */
  totalEstimate: z.number().int().nullable().default(null),
});

/** Stable row key per table, used for del and for upserts on both sides. */
export function rowKey(table: SyncTable, row: Record<string, unknown>): string {
  switch (table) {
    case 'group_members':
      return `${String(row.groupId)}:${String(row.userId)}`;
    case 'report_codes':
      return String(row.code);
    case 'report_assignments':
      return `${String(row.reportId)}:${String(row.kind)}:${String(row.assigneeId)}`;
    case 'report_reporters':
      return `${String(row.reportId)}:${String(row.reporterId)}`;
    // A replica stores log entries under their report: the key says which.
    case 'log_entries':
    case 'report_activities':
      return `${String(row.reportId)}:${String(row.id)}`;
    default:
      return String(row.id);
  }
}

/**
 * WebSocket poke message (server → client). When the replica told its cursor (zPokeCursor)
 * and the change is small, the poke carries the page that replica's pull from `from`
 * would have answered (same visibility, same removals): it applies it with no request.
 */
export const zPoke = z.object({
  type: z.literal('poke'),
  version: z.number().int(),
  from: z.number().int().optional(),
  page: zPullResponse.optional(),
});

/** WebSocket message (client → server): the cursor this replica's rows are at now. */
export const zPokeCursor = z.object({ type: z.literal('cursor'), cursor: z.number().int().nonnegative() });

/**
 * POST /sync/v1/password (bearer): change one's own password. Every session of the user
 * is revoked; the answer is a fresh session for the calling client (zLoginResponse).
 */
/** An administrator sets another user's password (new accounts, resets). */
export const zAdminPasswordRequest = z.object({
  userId: z.string().uuid(),
  newPassword: z.string().min(8, { message: 'La password deve avere almeno 8 caratteri.' }).max(200),
});

export const zPasswordChangeRequest = z.object({
  currentPassword: z.string().min(1).max(200),
  newPassword: z.string().min(8, { message: 'La password deve avere almeno 8 caratteri.' }).max(200),
});
