import type { Sqlite } from '../migrate';
import { stmt } from './stmt';

type Row = Record<string, unknown>;

export function getPasswordHash(db: Sqlite, userId: string): string | undefined {
  return (stmt(db, 'SELECT password_hash FROM credentials WHERE user_id = ?').get(userId) as Row | undefined)
    ?.password_hash as string | undefined;
}

export function setPasswordHash(db: Sqlite, userId: string, hash: string, now: number): void {
  stmt(db, 'INSERT OR REPLACE INTO credentials (user_id, password_hash, changed_at) VALUES (?, ?, ?)').run(
    userId,
    hash,
    now,
  );
}

export function insertSession(
  db: Sqlite,
  tokenHash: string,
  userId: string,
  now: number,
  expiresAt: number,
): void {
  stmt(db, 'INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)').run(
    tokenHash,
    userId,
    now,
    expiresAt,
  );
}

export function findSession(
  db: Sqlite,
  tokenHash: string,
): { userId: string; expiresAt: number } | undefined {
  const r = stmt(db, 'SELECT user_id, expires_at FROM sessions WHERE token_hash = ?').get(tokenHash) as
    Row | undefined;
  return r ? { userId: r.user_id as string, expiresAt: r.expires_at as number } : undefined;
}

export function deleteSession(db: Sqlite, tokenHash: string): void {
  stmt(db, 'DELETE FROM sessions WHERE token_hash = ?').run(tokenHash);
}

export function deleteUserSessions(db: Sqlite, userId: string): void {
  stmt(db, 'DELETE FROM sessions WHERE user_id = ?').run(userId);
}

export function deleteExpiredSessions(db: Sqlite, now: number): void {
  stmt(db, 'DELETE FROM sessions WHERE expires_at < ?').run(now);
}

export function insertOutbox(
  db: Sqlite,
  row: { mutationId: string; name: string; args: string; actorId: string; at: number; undo?: string | null },
): void {
  stmt(db, 'INSERT INTO outbox (mutation_id, name, args, actor_id, at, undo) VALUES (?, ?, ?, ?, ?, ?)').run(
    row.mutationId,
    row.name,
    row.args,
    row.actorId,
    row.at,
    row.undo ?? null,
  );
}

/** Next final code number for a year (standalone replicas are their own authority). */
export function nextCodeSeq(db: Sqlite, year: number): number {
  const r = stmt(
    db,
    `INSERT INTO code_counters (year, last_seq) VALUES (?, 1)
     ON CONFLICT (year) DO UPDATE SET last_seq = last_seq + 1 RETURNING last_seq`,
  ).get(year) as Row;
  return r.last_seq as number;
}
