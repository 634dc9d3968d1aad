/** /sync/v1/hello, /login, /logout, /password. */
import type { FastifyInstance } from 'fastify';
import type { z } from 'zod';
import {
  PROTOCOL_VERSION,
  zHello,
  zLoginRequest,
  zAdminPasswordRequest,
  zPasswordChangeRequest,
  type zHelloResponse,
  type zLoginResponse,
} from '../src-shared/sync/protocol';
import { checkPassword, openSession, setPassword } from './auth';
import type { ServerContext } from './context';
import { HttpError, MESSAGES, parseBody } from './errors';

export function authRoutes(app: FastifyInstance, ctx: ServerContext): void {
  app.post('/sync/v1/hello', async (req) => {
    const h = parseBody(zHello, req.body);
    const base = {
      protocolVersion: PROTOCOL_VERSION,
      minClientSchemaVersion: ctx.minClientSchemaVersion,
      serverVersion: ctx.serverVersion,
    };
    let message: string | null = null;
    if (h.protocolVersion > PROTOCOL_VERSION) message = MESSAGES.serverTooOld;
    else if (h.protocolVersion < PROTOCOL_VERSION || h.schemaVersion < ctx.minClientSchemaVersion) {
      message = MESSAGES.tooOld;
    }
    return { ...base, ok: message === null, message } satisfies z.infer<typeof zHelloResponse>;
  });

  app.post('/sync/v1/login', async (req) => {
    const body = parseBody(zLoginRequest, req.body);
    const now = ctx.clock();
    const user = await checkPassword(ctx.storage, now, body.username, body.password, req.ip);
    return (await openSession(ctx.storage, user.id, body.clientId, now)) satisfies z.infer<
      typeof zLoginResponse
    >;
  });

  app.post('/sync/v1/logout', async (req) => {
    const session = await ctx.auth(req);
    await ctx.storage.query('DELETE FROM sessions WHERE token_hash = $1', [session.tokenHash]);
    return { ok: true };
  });

  app.post('/sync/v1/password', async (req) => {
    const session = await ctx.auth(req);
    const body = parseBody(zPasswordChangeRequest, req.body);
    const now = ctx.clock();
    await checkPassword(ctx.storage, now, session.user.username, body.currentPassword, req.ip);
    await setPassword(ctx.storage, session.userId, body.newPassword, now);
    ctx.pokes.closeUser(session.userId);
    return (await openSession(ctx.storage, session.userId, session.clientId, now)) satisfies z.infer<
      typeof zLoginResponse
    >;
  });

  // Administrators set passwords of other accounts here: hashes never leave the server,
  // and the new password ends every session of that user.
  app.post('/sync/v1/users/password', async (req) => {
    const session = await ctx.auth(req);
    if (session.user.role !== 'amministratore') {
      throw new HttpError(
        403,
        'forbidden',
        'Solo un amministratore può impostare la password di altri utenti.',
      );
    }
    const body = parseBody(zAdminPasswordRequest, req.body);
    const [user] = await ctx.storage.query(
      `SELECT 1 FROM sync_rows WHERE tbl = 'users' AND key = $1 AND NOT deleted`,
      [body.userId],
    );
    if (!user) throw new HttpError(404, 'not_found', 'Utente non trovato sul server.');
    await setPassword(ctx.storage, body.userId, body.newPassword, ctx.clock());
    ctx.pokes.closeUser(body.userId);
    return { ok: true };
  });
}
