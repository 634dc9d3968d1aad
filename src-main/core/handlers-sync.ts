/**
 * Sync-aware handlers: logging in against the server (or offline with the local
 * verifier), connecting a PC, status and notices.
 */
import { dirname } from 'node:path';
import type { CallName } from '../../src-shared/api';
import { DomainError, isAdmin } from '../../src-shared/domain';
import { getUser, getUserByUsername } from '../db/repos/entities';
import type { SyncClient } from '../sync/client';
import { setRemotePassword } from '../sync/admin';
import { SyncHttpError } from '../sync/http';
import {
  acknowledgeNotice,
  deleteVerifier,
  getSyncState,
  getVerifier,
  openNotices,
  setVerifier,
} from '../sync/sync-repo';
import { wipeReplica } from '../sync/wipe';
import { actorOf, type AuthService } from './auth-service';
import type { CoreServices } from './context';
import type { Handler, PartialHandlers } from './handler-types';
import { userView } from './handlers-settings';
import { hashPassword, verifyPassword } from './passwords';

type Calls = Extract<CallName, `sync.${string}`>;

function hasBusinessData(s: CoreServices): boolean {
  const r = s.db
    .prepare('SELECT (SELECT count(*) FROM reports) + (SELECT count(*) FROM users) AS n')
    .get() as { n: number };
  return r.n > 0;
}

async function sessionFor(s: CoreServices, auth: AuthService, userId: string) {
  const user = getUser(s.db, userId);
  if (!user) throw new DomainError('not_found', 'Utente non ancora presente su questo PC: riprova tra poco.');
  if (!user.active) throw new DomainError('forbidden', 'Questo account è disattivato.');
  const sess = auth.issueSession(user);
  return { token: sess.token, expiresAt: sess.expiresAt, user: userView(user, actorOf(s.db, user).groupIds) };
}

async function rememberVerifier(s: CoreServices, userId: string, username: string, password: string) {
  setVerifier(s.db, userId, username, await hashPassword(password), s.clock());
}

export function syncHandlers(sync: SyncClient, auth: AuthService): PartialHandlers<Calls> {
  return {
    'sync.status': () => sync.status(),

    'sync.connect': async (ctx, { serverUrl, username, password, replaceLocalData }) => {
      if (getSyncState(ctx.db) === null && hasBusinessData(ctx)) {
        // A PC used on its own: only its administrator may hand it over to a server.
        if (!ctx.actor || !isAdmin(ctx.actor)) {
          throw new DomainError(
            'forbidden',
            'Solo un amministratore di questo PC può collegarlo a un server.',
          );
        }
        if (!replaceLocalData) {
          // Its data reaches the server only by the import (README: «Passare da un PC singolo al server»).
          throw new DomainError(
            'confirmation_required',
            `Questo PC contiene dati locali: collegandolo saranno sostituiti da quelli del server. Se non sono ancora sul server, importali prima con «sportello server import --from ${dirname(ctx.files.root)}», poi conferma.`,
          );
        }
      }
      let res;
      try {
        res = await sync.serverLogin(serverUrl, username, password);
      } catch (e) {
        if (e instanceof SyncHttpError)
          throw new DomainError(e.kind === 'unauthenticated' ? 'unauthenticated' : 'unavailable', e.message);
        throw e;
      }
      if (getSyncState(ctx.db)!.cursor === 0) ctx.db.transaction(() => wipeReplica(ctx.db))();
      await sync.syncNow();
      await rememberVerifier(ctx, res.userId, username, password);
      return sessionFor(ctx, auth, res.userId);
    },

    'sync.now': async () => {
      await sync.syncNow();
      return sync.status();
    },

    'sync.notices': (ctx) =>
      openNotices(ctx.db).map((n) => ({
        id: n.id,
        at: n.at,
        reportId: n.reportId,
        reportCode: n.reportCode,
        what: n.what,
        message: n.message,
      })),

    'sync.acknowledge': (ctx, { id }) => {
      acknowledgeNotice(ctx.db, id, ctx.clock());
      return { ok: true };
    },
  };
}

/**
 * auth.login on a synced PC: the server decides; without network, a user who logged
 * in here before gets in with the local verifier.
 */
export function syncedLogin(
  sync: SyncClient,
  auth: AuthService,
  fallback: Handler<'auth.login'>,
): Handler<'auth.login'> {
  return async (ctx, input) => {
    const st = getSyncState(ctx.db);
    if (!st) return fallback(ctx, input);
    const { username, password } = input;
    try {
      const res = await sync.serverLogin(st.serverUrl, username, password);
      await rememberVerifier(ctx, res.userId, username, password);
      if (!getUser(ctx.db, res.userId)) await sync.syncNow();
      void sync.syncNow();
      return await sessionFor(ctx, auth, res.userId);
    } catch (e) {
      if (!(e instanceof SyncHttpError)) throw e;
      if (e.kind !== 'network') {
        // The server said no: an old verifier must not let that password in any more.
        if (e.kind === 'unauthenticated') {
          const u = getUserByUsername(ctx.db, username);
          if (u) deleteVerifier(ctx.db, u.id);
        }
        throw new DomainError(e.kind === 'unauthenticated' ? 'unauthenticated' : 'unavailable', e.message);
      }
      const v = getVerifier(ctx.db, username);
      if (!v || !(await verifyPassword(password, v.verifier))) {
        throw new DomainError(
          'unauthenticated',
          v
            ? 'Nome utente o password non corretti.'
            : 'Server non raggiungibile e nessun accesso precedente da questo PC: serve la rete per il primo accesso.',
        );
      }
      return sessionFor(ctx, auth, v.userId);
    }
  };
}

/**
 * settings.users.save on a synced PC: the account travels as a mutation like any
 * setting; its password goes straight to the server (never into the outbox, never
 * stored here), once the server knows the account.
 */
export function syncedUserSave(
  sync: SyncClient,
  fallback: Handler<'settings.users.save'>,
): Handler<'settings.users.save'> {
  return async (ctx, input) => {
    if (!getSyncState(ctx.db)) return fallback(ctx, input);
    const { password, ...rest } = input;
    const id = rest.id ?? ctx.newId();
    const existing = getUser(ctx.db, id);
    if (!existing && !password) {
      throw new DomainError('validation', 'Per un nuovo utente indica una password iniziale.');
    }
    ctx.store.mutate('user.save', { ...rest, id }, ctx.actor);
    if (!password) return { id };
    await sync.syncNow();
    try {
      await setRemotePassword(ctx.db, id, password);
    } catch (e) {
      throw new DomainError(
        'unavailable',
        `Utente salvato, ma la password non è stata impostata sul server: ${(e as Error).message} Riprova quando il server è raggiungibile.`,
      );
    }
    return { id };
  };
}
