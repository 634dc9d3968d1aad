/**
 * The Sportello sync server: HTTP JSON under /sync/v1/… and a poke WebSocket, on
 * PostgreSQL (`databaseUrl`) or embedded PGlite (`dataDir`, or a temporary folder that
 * is removed on close: handy for tests). Started by `sportello server` and, in-process,
 * by tests.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import websocket from '@fastify/websocket';
import Fastify, { type FastifyServerOptions } from 'fastify';
import { addUser, ensureDefaults, type NewUser } from './admin';
import { authenticate, bearer } from './auth';
import type { ServerContext } from './context';
import { errorBody, HttpError, MESSAGES } from './errors';
import { parsePokePayload } from './apply';
import { PokeHub } from './poke';
import { mailOutPushHook } from './mail-out/hook';
import { mailRoutes } from './mail-out/routes';
import { serverSecrets, type ServerSecrets } from './mail-out/secrets';
import { createServerSender, type ServerSender, type ServerSenderOptions } from './mail-out/sender';
import { createServerIntake, type ServerIntake, type ServerIntakeOptions } from './mail-intake/runner';
import { mailInRoutes } from './mail-intake/routes';
import { maxVersion } from './rows';
import { authRoutes } from './routes-auth';
import { WIRE_SCHEMA_VERSION } from '../src-shared/sync/protocol';
import { blobRoutes } from './routes-blobs';
import type { SnapshotSource } from './routes-snapshot';
import { syncRoutes } from './routes-sync';
import { openStorage } from './storage/open';
import { POKE_CHANNEL, type Storage } from './storage/storage';

/** Replicas whose SQLite schema is older than this must update before syncing. */
export const MIN_CLIENT_SCHEMA_VERSION = WIRE_SCHEMA_VERSION;
export const SERVER_VERSION = '0.1.0';

export interface ServerOptions {
  /** PostgreSQL connection string; otherwise embedded PGlite. */
  databaseUrl?: string;
  /** PGlite lives in <dataDir>/pgdata; without it, in a temporary folder removed on close. */
  dataDir?: string;
  /** 0 (default) picks a free port. */
  port?: number;
  /** Default 127.0.0.1. Use 0.0.0.0 to serve the network (with TLS or behind a reverse proxy). */
  host?: string;
  clock?: () => number;
  logger?: FastifyServerOptions['logger'];
  /** PEM certificate and key: the server speaks HTTPS/WSS itself. */
  tls?: { cert: string | Buffer; key: string | Buffer };
  minClientSchemaVersion?: number;
  /**
   * The master key of the server's secrets (SMTP password, Message-ID signatures), 32
   * bytes in base64; default SPORTELLO_SECRET_KEY, else `secrets.key` in `secretsDir`
   * (default the data folder, or ~/.sportello-server with PostgreSQL). Every server
   * process on one PostgreSQL needs the same key.
   */
  secretKey?: string;
  secretsDir?: string;
  /** Knobs of the mail sender loop (tests). */
  mail?: Partial<Omit<ServerSenderOptions, 'storage' | 'clock' | 'cipher'>>;
  /** The IMAP intake loop (mail-intake/runner.ts): off, or its knobs (tests). */
  /**
   * Publishes bootstrap snapshots (GET /sync/v1/snapshot): given the storage, returns the
   * source of the files. `sportello server` passes src-main/sync/seed's keeper.
   */
  snapshots?: (storage: Storage) => SnapshotSource;
  mailIntake?: { disabled?: boolean } & Partial<
    Pick<ServerIntakeOptions, 'rescanMs' | 'backoffMs' | 'onPoll' | 'log'>
  >;
}

export interface SyncServer {
  url: string;
  port: number;
  storage: Storage;
  /** Same as `sportello server user add`: a versioned user row plus its password hash. */
  addUser(user: NewUser): Promise<{ id: string }>;
  /** The mail sender loop of this process (the municipality's one sending node). */
  mail: ServerSender;
  /** The mailboxes this process pulls (one puller per mailbox across processes). */
  mailIn: ServerIntake;
  close(): Promise<void>;
}

const BODY_LIMIT = 64 * 1024 * 1024;

/** How long a shutting-down server lets requests under way finish. */
const CLOSE_GRACE_MS = 2_000;

export async function createServer(opts: ServerOptions = {}): Promise<SyncServer> {
  const clock = opts.clock ?? Date.now;
  const tempDir =
    !opts.databaseUrl && !opts.dataDir ? mkdtempSync(join(tmpdir(), 'sportello-server-')) : null;
  const storage = await openStorage({ databaseUrl: opts.databaseUrl, dataDir: opts.dataDir ?? tempDir! });
  let unlisten: (() => Promise<void>) | null = null;
  let secrets: ServerSecrets | null = null;
  const secretsOf = () =>
    (secrets ??= serverSecrets({
      secretKey: opts.secretKey,
      secretsDir: opts.secretsDir ?? opts.dataDir ?? tempDir ?? join(homedir(), '.sportello-server'),
    }));
  const mail = createServerSender({ storage, clock, cipher: () => secretsOf().cipher, ...opts.mail });
  let mailQueued = false;
  let mailIn: ServerIntake | null = null;
  let snapshots: SnapshotSource | null = null;
  try {
    await ensureDefaults(storage, clock);
    const pokes = new PokeHub(await maxVersion(storage));
    unlisten = await storage.listen(POKE_CHANNEL, (payload) => {
      const { version, pusher } = parsePokePayload(payload);
      pokes.poke(version, pusher);
    });
    snapshots = opts.snapshots?.(storage) ?? null;
    const ctx: ServerContext = {
      storage,
      ...(snapshots ? { snapshots } : {}),
      clock,
      pokes,
      minClientSchemaVersion: opts.minClientSchemaVersion ?? MIN_CLIENT_SCHEMA_VERSION,
      serverVersion: SERVER_VERSION,
      auth: (req) => authenticate(storage, clock(), bearer(req.headers.authorization)),
      onApplied: mailOutPushHook({
        clock,
        get threadKey() {
          return secretsOf().threadKey;
        },
        onQueued: () => (mailQueued = true),
      }),
      afterPush: () => {
        if (!mailQueued) return;
        mailQueued = false;
        void mail.poke();
      },
    };
    mailIn = createServerIntake({
      storage,
      clock,
      cipher: () => secretsOf().cipher,
      // The key mail-out signs with: a reply to the server's emails threads here.
      threadKey: () => secretsOf().threadKey,
      onApplied: ctx.onApplied,
      onCommitted: (v) => {
        pokes.poke(v);
        ctx.afterPush?.();
      },
      ...opts.mailIntake,
    });
    const intake = mailIn;
    const app = Fastify({
      logger: opts.logger ?? false,
      bodyLimit: BODY_LIMIT,
      ...(opts.tls ? { https: { cert: opts.tls.cert, key: opts.tls.key } } : {}),
    });
    await app.register(websocket);
    app.setErrorHandler((err, req, reply) => {
      if (err instanceof HttpError) return reply.code(err.status).send(errorBody(err.code, err.message));
      const status = (err as { statusCode?: number }).statusCode ?? 500;
      if (status === 413) return reply.code(413).send(errorBody('too_large', 'Richiesta troppo grande.'));
      if (status >= 400 && status < 500) {
        return reply
          .code(400)
          .send(errorBody('validation', 'Richiesta non valida: serve un corpo JSON corretto.'));
      }
      req.log.error(err);
      return reply.code(500).send(errorBody('internal', MESSAGES.internal));
    });
    app.setNotFoundHandler((_req, reply) =>
      reply.code(404).send(errorBody('not_found', 'Indirizzo sconosciuto.')),
    );
    authRoutes(app, ctx);
    syncRoutes(app, ctx);
    blobRoutes(app, ctx);
    mailRoutes(app, ctx, { sender: mail, cipher: () => secretsOf().cipher });
    mailInRoutes(app, ctx, { cipher: () => secretsOf().cipher, changed: () => void intake.rescan() });
    const host = opts.host ?? '127.0.0.1';
    await app.listen({ port: opts.port ?? 0, host });
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : (opts.port ?? 0);
    const shownHost = host.includes(':') ? `[${host}]` : host;
    // Emails queued while this process was down (or by another one) go out now.
    void mail.poke();
    if (!opts.mailIntake?.disabled) await intake.start();
    return {
      url: `${opts.tls ? 'https' : 'http'}://${shownHost}:${port}`,
      port,
      storage,
      mail,
      mailIn: intake,
      async addUser(user) {
        const r = await addUser(storage, clock, user);
        if (r.newVersion !== null) pokes.poke(r.newVersion);
        return { id: r.id };
      },
      async close() {
        pokes.closeAll();
        // Requests under way get a moment to finish; then every connection goes, including
        // a PC's kept-alive ones that would otherwise hold the shutdown for the keep-alive
        // timeout (72 s) as its sync loop keeps reusing them.
        const grace = setTimeout(() => app.server.closeAllConnections(), CLOSE_GRACE_MS);
        try {
          await app.close();
        } finally {
          clearTimeout(grace);
        }
        await mail.stop();
        await intake.stop();
        await snapshots?.close();
        await unlisten?.();
        await storage.close();
        if (tempDir) rmSync(tempDir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await mail.stop();
    await mailIn?.stop();
    await snapshots?.close().catch(() => {});
    await unlisten?.();
    await storage.close().catch(() => {});
    if (tempDir) rmSync(tempDir, { recursive: true, force: true });
    throw err;
  }
}
