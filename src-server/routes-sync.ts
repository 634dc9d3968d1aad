/** /sync/v1/push, /pull, /bootstrap (bootstrap.ts) and the /poke WebSocket. */
import { isDeepStrictEqual } from 'node:util';
import type { FastifyInstance } from 'fastify';
import type {} from '@fastify/websocket';
import { zPullRequest, zPushRequest } from '../src-shared/sync/protocol';
import { authenticate } from './auth';
import { bootstrapRoutes } from './bootstrap';
import { snapshotRoutes } from './routes-snapshot';
import type { ServerContext } from './context';
import { errorBody, HttpError, parseBody } from './errors';
import type { PeerSession } from './poke';
import { pull } from './pull';
import { push } from './push';

/** Pages larger than this go by a plain poke: the replica pulls them over HTTP. */
const POKE_PAGE_ROWS = 200;

export function syncRoutes(app: FastifyInstance, ctx: ServerContext): void {
  bootstrapRoutes(app, ctx);
  snapshotRoutes(app, ctx);
  // A poke carries the page the replica's pull would answer: the same session checks and
  // the same pull (visibility, removals), only without the replica asking. The check and
  // the page are read at once, the page as the socket's session saw the user; it is sent
  // only if the session is still valid and the user's row unchanged (else: a plain poke,
  // and the next page reads the user as they are now).
  ctx.pokes.setPager(async (peer, cursor) => {
    const opened = peer.session;
    const [session, page] = await Promise.all([
      authenticate(ctx.storage, ctx.clock(), peer.token),
      pull(ctx.storage, opened, { clientId: opened.clientId, cursor, limit: POKE_PAGE_ROWS }),
    ]);
    if (session.clientId !== opened.clientId) return null;
    if (!isDeepStrictEqual(session.user, opened.user)) {
      peer.session = session;
      return null;
    }
    return page.more || page.reset ? null : page;
  }, POKE_PAGE_ROWS);

  app.post('/sync/v1/push', async (req) => {
    const session = await ctx.auth(req);
    const body = parseBody(zPushRequest, req.body);
    const { response, newVersion } = await push(ctx.storage, ctx.clock, session, body, ctx.onApplied);
    if (newVersion !== null) ctx.pokes.poke(newVersion, session.clientId);
    ctx.afterPush?.();
    return response;
  });

  app.post('/sync/v1/pull', async (req) => {
    const session = await ctx.auth(req);
    return pull(ctx.storage, session, parseBody(zPullRequest, req.body));
  });

  app.get<{ Querystring: { token?: string } }>(
    '/sync/v1/poke',
    {
      websocket: true,
      // Refused before the upgrade: a bad token gets a plain 401, not an open socket.
      preValidation: async (req, reply) => {
        try {
          const session = await authenticate(ctx.storage, ctx.clock(), req.query.token);
          (req as { pokeSession?: PeerSession }).pokeSession = { token: req.query.token!, session };
        } catch (err) {
          if (!(err instanceof HttpError)) throw err;
          return reply.code(err.status).send(errorBody(err.code, err.message));
        }
      },
    },
    (socket, req) => {
      const { session, token } = (req as { pokeSession?: PeerSession }).pokeSession!;
      ctx.pokes.add(socket, session.userId, session.clientId, { token, session });
    },
  );
}
