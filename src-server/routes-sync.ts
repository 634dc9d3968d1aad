/** /sync/v1/push, /pull, /bootstrap (bootstrap.ts) and the /poke WebSocket. */
import type { FastifyInstance } from 'fastify';
import type {} from '@fastify/websocket';
import { zPullRequest, zPushRequest } from '../src-shared/sync/protocol';
import { authenticate } from './auth';
import { bootstrapRoutes } from './bootstrap';
import type { ServerContext } from './context';
import { errorBody, HttpError, parseBody } from './errors';
import { pull } from './pull';
import { push } from './push';

/** Pages larger than this go by a plain poke: the replica pulls them over HTTP. */
const POKE_PAGE_ROWS = 200;

export function syncRoutes(app: FastifyInstance, ctx: ServerContext): void {
  bootstrapRoutes(app, ctx);
  // A poke carries the page the replica's pull would answer: the same session checks and
  // the same pull (visibility, removals), only without the replica asking.
  ctx.pokes.setPager(async (token, clientId, cursor) => {
    const session = await authenticate(ctx.storage, ctx.clock(), token);
    if (session.clientId !== clientId) return null;
    const page = await pull(ctx.storage, session, { clientId, cursor, limit: POKE_PAGE_ROWS });
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
          (req as { sessionUserId?: string }).sessionUserId = session.userId;
          (req as { sessionClientId?: string }).sessionClientId = session.clientId;
          (req as { sessionToken?: string }).sessionToken = req.query.token;
        } catch (err) {
          if (!(err instanceof HttpError)) throw err;
          return reply.code(err.status).send(errorBody(err.code, err.message));
        }
      },
    },
    (socket, req) => {
      const r = req as { sessionUserId?: string; sessionClientId?: string; sessionToken?: string };
      ctx.pokes.add(socket, r.sessionUserId!, r.sessionClientId ?? null, r.sessionToken ?? null);
    },
  );
}
