/**
 * Accounts on the server: password hashes (scrypt), sessions (random tokens of which only
 * the SHA-256 is stored, 12 hours), the throttle on failed logins, replica tags.
 */
import { randomBytes } from 'node:crypto';
import { hashPassword, hashToken, newSessionToken, verifyPassword } from '../src-main/core/passwords';
import type { User } from '../src-shared/domain';
import { replicaTagFrom } from '../src-shared/domain';
import { HttpError, MESSAGES } from './errors';
import type { Queryable, Storage } from './storage/storage';

export const SESSION_TTL_MS = 12 * 60 * 60 * 1000;
/** Failures before a lock: per username, and (higher: a town hall is often one NAT address) per IP. */
export const MAX_FAILURES = 5;
export const MAX_FAILURES_PER_IP = 20;
export const LOCK_MS = 5 * 60 * 1000;
/** Failures older than this no longer count towards a lock. */
const FAILURE_WINDOW_MS = 15 * 60 * 1000;

export interface Session {
  userId: string;
  clientId: string;
  tokenHash: string;
  user: User;
}

/** Resolves a bearer token; refuses unknown, revoked, expired sessions and disabled users. */
export async function authenticate(
  storage: Queryable,
  now: number,
  token: string | undefined,
): Promise<Session> {
  if (!token) throw new HttpError(401, 'unauthenticated', MESSAGES.noToken);
  const tokenHash = hashToken(token);
  const [s] = await storage.query<{
    user_id: string;
    client_id: string;
    expires_at: number;
    data: User | null;
  }>(
    `SELECT s.user_id, s.client_id, s.expires_at, u.data
       FROM sessions s LEFT JOIN sync_rows u ON u.tbl = 'users' AND u.key = s.user_id AND NOT u.deleted
      WHERE s.token_hash = $1`,
    [tokenHash],
  );
  if (!s) throw new HttpError(401, 'unauthenticated', MESSAGES.badSession);
  if (s.expires_at <= now) {
    await storage.query('DELETE FROM sessions WHERE token_hash = $1', [tokenHash]);
    throw new HttpError(401, 'unauthenticated', MESSAGES.expired);
  }
  if (!s.data || !s.data.active) throw new HttpError(401, 'unauthenticated', MESSAGES.disabled);
  return { userId: s.user_id, clientId: s.client_id, tokenHash, user: s.data };
}

export function bearer(header: string | undefined): string | undefined {
  const m = /^Bearer\s+(\S+)$/i.exec(header ?? '');
  return m?.[1];
}

// ---- failed-login throttle (per username and per IP, shared through the database) ----

async function lockedFor(q: Queryable, keys: string[], now: number): Promise<number> {
  const rows = await q.query<{ locked_until: number }>(
    'SELECT locked_until FROM login_throttle WHERE key = ANY($1::text[])',
    [keys],
  );
  return Math.max(0, ...rows.map((r) => r.locked_until - now));
}

async function recordFailure(q: Queryable, keys: string[], now: number): Promise<void> {
  for (const key of keys) {
    await q.query(
      `INSERT INTO login_throttle (key, failures, first_failure_at, locked_until) VALUES ($1, 1, $2, 0)
       ON CONFLICT (key) DO UPDATE SET
         failures = CASE WHEN login_throttle.first_failure_at < $3 THEN 1 ELSE login_throttle.failures + 1 END,
         first_failure_at = CASE WHEN login_throttle.first_failure_at < $3 THEN $2 ELSE login_throttle.first_failure_at END`,
      [key, now, now - FAILURE_WINDOW_MS],
    );
    await q.query(
      `UPDATE login_throttle SET locked_until = $2, failures = 0, first_failure_at = $2
        WHERE key = $1 AND failures >= $3`,
      [key, now + LOCK_MS, key.startsWith('ip:') ? MAX_FAILURES_PER_IP : MAX_FAILURES],
    );
  }
}

function tooManyAttempts(ms: number): HttpError {
  const minutes = Math.max(1, Math.ceil(ms / 60_000));
  return new HttpError(
    429,
    'rate_limited',
    `Troppi tentativi di accesso non riusciti: riprova tra ${minutes} ${minutes === 1 ? 'minuto' : 'minuti'}.`,
  );
}

/** A hash to verify against when the username does not exist, so timing tells nothing. */
let dummyHash: Promise<string> | null = null;

/**
 * Checks a password under the throttle. Returns the user, or throws 401/429. Used by
 * login and by the password change (a wrong current password counts as a failure).
 */
export async function checkPassword(
  q: Queryable,
  now: number,
  username: string,
  password: string,
  ip: string,
): Promise<User> {
  const name = username.trim().toLowerCase();
  const keys = [`user:${name}`, `ip:${ip}`];
  const wait = await lockedFor(q, keys, now);
  if (wait > 0) throw tooManyAttempts(wait);
  const [found] = await q.query<{ data: User; password_hash: string | null }>(
    `SELECT u.data, c.password_hash FROM sync_rows u LEFT JOIN credentials c ON c.user_id = u.key
      WHERE u.tbl = 'users' AND NOT u.deleted AND (u.data->>'username') = $1`,
    [name],
  );
  const stored =
    found?.password_hash ?? (await (dummyHash ??= hashPassword(randomBytes(16).toString('hex'))));
  const ok = (await verifyPassword(password, stored)) && !!found?.password_hash;
  if (!ok || !found) {
    await recordFailure(q, keys, now);
    throw new HttpError(401, 'unauthenticated', MESSAGES.badLogin);
  }
  await q.query('DELETE FROM login_throttle WHERE key = $1', [keys[0]]);
  if (!found.data.active) throw new HttpError(401, 'unauthenticated', MESSAGES.disabled);
  return found.data;
}

/** Registers the replica (or rebinds it to this user) and hands out its unique tag. */
async function registerClient(q: Queryable, clientId: string, userId: string, now: number): Promise<string> {
  const [existing] = await q.query<{ replica_tag: string }>(
    'UPDATE clients SET user_id = $2 WHERE client_id = $1 RETURNING replica_tag',
    [clientId, userId],
  );
  if (existing) return existing.replica_tag;
  for (let attempt = 0; attempt < 50; attempt++) {
    const tag = replicaTagFrom(randomBytes(4));
    const rows = await q.query<{ replica_tag: string }>(
      `INSERT INTO clients (client_id, user_id, last_seq, replica_tag, created_at) VALUES ($1, $2, 0, $3, $4)
       ON CONFLICT DO NOTHING RETURNING replica_tag`,
      [clientId, userId, tag, now],
    );
    if (rows[0]) return rows[0].replica_tag;
    // Either the tag was taken or another login registered this client meanwhile.
    const [again] = await q.query<{ replica_tag: string }>(
      'SELECT replica_tag FROM clients WHERE client_id = $1',
      [clientId],
    );
    if (again) return again.replica_tag;
  }
  throw new Error('Nessun codice di replica libero.');
}

export interface LoginResult {
  token: string;
  expiresAt: number;
  userId: string;
  replicaTag: string;
}

export async function openSession(
  storage: Storage,
  userId: string,
  clientId: string,
  now: number,
): Promise<LoginResult> {
  const replicaTag = await registerClient(storage, clientId, userId, now);
  const { token, hash } = newSessionToken();
  const expiresAt = now + SESSION_TTL_MS;
  await storage.query(
    'INSERT INTO sessions (token_hash, user_id, client_id, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)',
    [hash, userId, clientId, now, expiresAt],
  );
  return { token, expiresAt, userId, replicaTag };
}

/** Sets a password and revokes every session of that user. */
export async function setPassword(
  storage: Storage,
  userId: string,
  password: string,
  now: number,
): Promise<void> {
  const hash = await hashPassword(password);
  await storage.transaction(async (tx) => {
    await tx.query(
      `INSERT INTO credentials (user_id, password_hash, changed_at) VALUES ($1, $2, $3)
       ON CONFLICT (user_id) DO UPDATE SET password_hash = excluded.password_hash, changed_at = excluded.changed_at`,
      [userId, hash, now],
    );
    await tx.query('DELETE FROM sessions WHERE user_id = $1', [userId]);
  });
}
