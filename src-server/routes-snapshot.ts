/**
 * GET /sync/v1/snapshot (see src-shared/sync/snapshot.ts): serves the newest published
 * bootstrap snapshot to a staff replica that sees reporters, with HTTP ranges so an
 * interrupted download resumes. The file comes from a SnapshotSource given to the server
 * (src-main/sync/seed builds and refreshes it); without one, every request is a 404 and
 * clients take the NDJSON stream.
 */
import { createReadStream, statSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { SNAPSHOT_HEADERS, SNAPSHOT_PATH, zSnapshotQuery } from '../src-shared/sync/snapshot';
import type { ServerContext } from './context';
import { HttpError, MESSAGES, parseBody } from './errors';
import { loadActor } from './snapshot';
import { viewerOf, viewHash } from './visibility';

export interface SnapshotInfo {
  file: string;
  /** Every version up to this one is in the file. */
  cursor: number;
  size: number;
  sha256: string;
  reports: number;
  rows: number;
  /** The replica schema the file was built with (replicaSchemaTag). */
  schema: string;
}

export interface SnapshotSource {
  latest(): SnapshotInfo | null;
  close(): Promise<void>;
}

const NO_SNAPSHOT = 'Nessuna copia iniziale pronta per questo dispositivo: scarico i dati uno per uno.';

export const etagOf = (s: SnapshotInfo) => `"${s.cursor}-${s.sha256.slice(0, 20)}"`;

/** `bytes=N-` only (what a resuming client sends); anything else serves the whole file. */
function rangeStart(header: string | undefined, size: number): number | null {
  const m = header ? /^bytes=(\d+)-$/.exec(header.trim()) : null;
  if (!m) return null;
  const n = Number(m[1]);
  return Number.isSafeInteger(n) && n < size ? n : null;
}

export function snapshotRoutes(app: FastifyInstance, ctx: ServerContext): void {
  app.get(SNAPSHOT_PATH, async (req, reply) => {
    const session = await ctx.auth(req);
    const q = parseBody(zSnapshotQuery, req.query);
    if (q.clientId !== session.clientId) throw new HttpError(403, 'forbidden', MESSAGES.wrongClient);
    const [client] = await ctx.storage.query<{ user_id: string }>(
      'SELECT user_id FROM clients WHERE client_id = $1',
      [q.clientId],
    );
    if (!client || client.user_id !== session.userId) {
      throw new HttpError(403, 'forbidden', MESSAGES.wrongClient);
    }
    const actor = await loadActor(ctx.storage, session.userId);
    if (!actor) throw new HttpError(401, 'unauthenticated', MESSAGES.disabled);
    const viewer = viewerOf(actor);
    const info = ctx.snapshots?.latest() ?? null;
    if (viewer.supplier || !viewer.seesReporters || !info || info.schema !== q.schema) {
      throw new HttpError(404, 'no_snapshot', NO_SNAPSHOT);
    }
    let size: number;
    try {
      size = statSync(info.file).size;
    } catch {
      throw new HttpError(404, 'no_snapshot', NO_SNAPSHOT);
    }
    // The replica will hold this view's rows: later pulls must not ask it to start again.
    await ctx.storage.query('UPDATE clients SET view_hash = $2 WHERE client_id = $1', [
      q.clientId,
      viewHash(viewer),
    ]);
    const etag = etagOf(info);
    const ifRange = req.headers['if-range'];
    const start = ifRange === undefined || ifRange === etag ? rangeStart(req.headers.range, size) : null;
    reply
      .header('etag', etag)
      .header('accept-ranges', 'bytes')
      .header('cache-control', 'no-store')
      .header(SNAPSHOT_HEADERS.cursor, String(info.cursor))
      .header(SNAPSHOT_HEADERS.sha256, info.sha256)
      .header(SNAPSHOT_HEADERS.reports, String(info.reports))
      .header(SNAPSHOT_HEADERS.rows, String(info.rows))
      .type('application/vnd.sqlite3');
    if (start !== null) {
      reply
        .code(206)
        .header('content-range', `bytes ${start}-${size - 1}/${size}`)
        .header('content-length', String(size - start));
    } else {
      reply.header('content-length', String(size));
    }
    // The file is immutable once published; an older one stays readable while served.
    return reply.send(createReadStream(info.file, { start: start ?? 0, highWaterMark: 1 << 20 }));
  });
}
