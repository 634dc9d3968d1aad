/** The sync client's own bookkeeping (sync_state, outbox, notices, offline verifiers). */
import type { Sqlite } from '../db/migrate';
import { stmt } from '../db/repos/stmt';

type Row = Record<string, unknown>;

export interface SyncState {
  serverUrl: string;
  clientId: string;
  replicaTag: string | null;
  token: string | null;
  tokenUserId: string | null;
  cursor: number;
  ackedSeq: number;
  lastSyncAt: number | null;
  lastError: string | null;
  bootstrapping: boolean;
}

export function getSyncState(db: Sqlite): SyncState | null {
  const r = stmt(db, 'SELECT * FROM sync_state WHERE id = 1').get() as Row | undefined;
  if (!r) return null;
  return {
    serverUrl: r.server_url as string,
    clientId: r.client_id as string,
    replicaTag: (r.replica_tag as string | null) ?? null,
    token: (r.token as string | null) ?? null,
    tokenUserId: (r.token_user_id as string | null) ?? null,
    cursor: r.cursor as number,
    ackedSeq: r.acked_seq as number,
    lastSyncAt: (r.last_sync_at as number | null) ?? null,
    lastError: (r.last_error as string | null) ?? null,
    bootstrapping: r.bootstrapping === 1,
  };
}

export function initSyncState(db: Sqlite, serverUrl: string, clientId: string): void {
  stmt(
    db,
    `INSERT INTO sync_state (id, server_url, client_id, cursor, acked_seq, bootstrapping) VALUES (1, ?, ?, 0, 0, 1)
     ON CONFLICT (id) DO UPDATE SET server_url = excluded.server_url`,
  ).run(serverUrl, clientId);
}

const COLS: Record<keyof SyncState, string> = {
  serverUrl: 'server_url',
  clientId: 'client_id',
  replicaTag: 'replica_tag',
  token: 'token',
  tokenUserId: 'token_user_id',
  cursor: 'cursor',
  ackedSeq: 'acked_seq',
  lastSyncAt: 'last_sync_at',
  lastError: 'last_error',
  bootstrapping: 'bootstrapping',
};

export function updateSyncState(db: Sqlite, patch: Partial<SyncState>): void {
  const keys = Object.keys(patch) as (keyof SyncState)[];
  if (keys.length === 0) return;
  const values = keys.map((k) => {
    const v = patch[k];
    return typeof v === 'boolean' ? (v ? 1 : 0) : v;
  });
  stmt(db, `UPDATE sync_state SET ${keys.map((k) => `${COLS[k]} = ?`).join(', ')} WHERE id = 1`).run(
    ...values,
  );
}

export interface OutboxRow {
  seq: number;
  mutationId: string;
  name: string;
  args: unknown;
  actorId: string;
  at: number;
  undo: string | null;
}

const toOutbox = (r: Row): OutboxRow => ({
  seq: r.seq as number,
  mutationId: r.mutation_id as string,
  name: r.name as string,
  args: JSON.parse(r.args as string),
  actorId: r.actor_id as string,
  at: r.at as number,
  undo: (r.undo as string | null) ?? null,
});

/** Mutations the server has not confirmed yet, oldest first. */
export function pendingOutbox(db: Sqlite, afterSeq: number, limit = 1_000_000): OutboxRow[] {
  return (
    stmt(db, 'SELECT * FROM outbox WHERE seq > ? ORDER BY seq LIMIT ?').all(afterSeq, limit) as Row[]
  ).map(toOutbox);
}

export function countPending(db: Sqlite, afterSeq: number): number {
  return (stmt(db, 'SELECT count(*) AS n FROM outbox WHERE seq > ?').get(afterSeq) as { n: number }).n;
}

export function deleteOutboxUpTo(db: Sqlite, seq: number): void {
  stmt(db, 'DELETE FROM outbox WHERE seq <= ?').run(seq);
}

export function setOutboxUndo(db: Sqlite, seq: number, undo: string): void {
  stmt(db, 'UPDATE outbox SET undo = ? WHERE seq = ?').run(undo, seq);
}

export interface Notice {
  id: string;
  at: number;
  reportId: string | null;
  reportCode: string | null;
  mutationName: string;
  what: string;
  message: string;
}

export function insertNotice(db: Sqlite, n: Notice): void {
  stmt(
    db,
    `INSERT OR IGNORE INTO sync_notices (id, at, report_id, report_code, mutation_name, what, message)
     VALUES (?, ?, ?, ?, ?, ?, ?)`,
  ).run(n.id, n.at, n.reportId, n.reportCode, n.mutationName, n.what, n.message);
}

export function openNotices(db: Sqlite): Notice[] {
  return (
    stmt(db, 'SELECT * FROM sync_notices WHERE acknowledged_at IS NULL ORDER BY at').all() as Row[]
  ).map((r) => ({
    id: r.id as string,
    at: r.at as number,
    reportId: (r.report_id as string | null) ?? null,
    reportCode: (r.report_code as string | null) ?? null,
    mutationName: r.mutation_name as string,
    what: r.what as string,
    message: r.message as string,
  }));
}

export function acknowledgeNotice(db: Sqlite, id: string, at: number): void {
  stmt(db, 'UPDATE sync_notices SET acknowledged_at = ? WHERE id = ?').run(at, id);
}

export function getVerifier(db: Sqlite, username: string): { userId: string; verifier: string } | undefined {
  const r = stmt(db, 'SELECT user_id, verifier FROM offline_verifiers WHERE username = ?').get(username) as
    Row | undefined;
  return r ? { userId: r.user_id as string, verifier: r.verifier as string } : undefined;
}

export function setVerifier(
  db: Sqlite,
  userId: string,
  username: string,
  verifier: string,
  at: number,
): void {
  stmt(
    db,
    'INSERT OR REPLACE INTO offline_verifiers (user_id, username, verifier, updated_at) VALUES (?, ?, ?, ?)',
  ).run(userId, username, verifier, at);
}

export function deleteVerifier(db: Sqlite, userId: string): void {
  stmt(db, 'DELETE FROM offline_verifiers WHERE user_id = ?').run(userId);
}
