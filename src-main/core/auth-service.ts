/**
 * Standalone accounts: passwords hashed with scrypt in the local database, sessions
 * as random tokens whose hash is stored, a lock-out after repeated failures.
 */
import type { Actor, User } from '../../src-shared/domain';
import { DomainError } from '../../src-shared/domain';
import type { Sqlite } from '../db/migrate';
import {
  deleteExpiredSessions,
  deleteSession,
  deleteUserSessions,
  findSession,
  getPasswordHash,
  insertSession,
  setPasswordHash,
} from '../db/repos/auth-repo';
import { getUser, getUserByUsername, userGroupIds } from '../db/repos/entities';
import { hashPassword, hashToken, newSessionToken, verifyPassword } from './passwords';

export const SESSION_TTL_MS = 12 * 60 * 60 * 1000;
const MAX_FAILURES = 5;
const LOCK_MS = 5 * 60 * 1000;

// A hash of a random password: verifying against it costs the same time as a real
// one, so response time does not tell whether a username exists.
let dummyHash: Promise<string> | null = null;

export function actorOf(db: Sqlite, user: User): Actor {
  return { id: user.id, role: user.role, permissions: user.permissions, groupIds: userGroupIds(db, user.id) };
}

export function createAuthService(db: Sqlite, clock: () => number) {
  const failures = new Map<string, { count: number; until: number }>();

  return {
    async login(username: string, password: string) {
      const now = clock();
      const f = failures.get(username);
      if (f && f.until > now) {
        const min = Math.ceil((f.until - now) / 60_000);
        throw new DomainError(
          'forbidden',
          `Troppi tentativi falliti: riprova tra ${min} minut${min === 1 ? 'o' : 'i'}.`,
        );
      }
      const user = getUserByUsername(db, username);
      const stored = user ? getPasswordHash(db, user.id) : undefined;
      const ok = stored
        ? await verifyPassword(password, stored)
        : (await verifyPassword(password, await (dummyHash ??= hashPassword('dummy-' + Math.random()))),
          false);
      if (!user || !ok || !user.active) {
        const next = { count: (f?.count ?? 0) + 1, until: 0 };
        if (next.count >= MAX_FAILURES) next.until = now + LOCK_MS;
        failures.set(username, next);
        if (user && ok && !user.active) throw new DomainError('forbidden', 'Questo account è disattivato.');
        throw new DomainError('unauthenticated', 'Nome utente o password non corretti.');
      }
      failures.delete(username);
      deleteExpiredSessions(db, now);
      const { token, hash } = newSessionToken();
      const expiresAt = now + SESSION_TTL_MS;
      insertSession(db, hash, user.id, now, expiresAt);
      return { token, user, expiresAt };
    },

    /** The user behind a session token, or null (unknown, expired, disabled). */
    resolve(token: string | null): User | null {
      if (!token) return null;
      const s = findSession(db, hashToken(token));
      if (!s) return null;
      if (s.expiresAt < clock()) {
        deleteSession(db, hashToken(token));
        return null;
      }
      const user = getUser(db, s.userId);
      return user && user.active ? user : null;
    },

    /** A local session for a user the sync server (or the offline verifier) has vouched for. */
    issueSession(user: User) {
      const now = clock();
      deleteExpiredSessions(db, now);
      const { token, hash } = newSessionToken();
      const expiresAt = now + SESSION_TTL_MS;
      insertSession(db, hash, user.id, now, expiresAt);
      return { token, user, expiresAt };
    },

    logout(token: string) {
      deleteSession(db, hashToken(token));
    },

    async setPassword(userId: string, password: string) {
      const hash = await hashPassword(password);
      db.transaction(() => {
        setPasswordHash(db, userId, hash, clock());
        // A new password ends every open session of that user.
        deleteUserSessions(db, userId);
      })();
    },

    async changePassword(userId: string, current: string, next: string) {
      const stored = getPasswordHash(db, userId);
      if (!stored || !(await verifyPassword(current, stored))) {
        throw new DomainError('validation', 'La password attuale non è corretta.');
      }
      await this.setPassword(userId, next);
    },

    endSessionsOf(userId: string) {
      deleteUserSessions(db, userId);
    },
  };
}

export type AuthService = ReturnType<typeof createAuthService>;
