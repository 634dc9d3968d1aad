/**
 * POST /sync/v1/bootstrap: a new replica's first download as one NDJSON stream (see
 * src-shared/sync/bootstrap.ts for the lines).
 *
 * Staff (the large case: a whole municipality) get every stored row after `after`, in
 * version order, read in pages by PostgreSQL itself: each page is one string built by
 * string_agg from the stored jsonb text, so the server never parses or re-encodes a row;
 * it only forwards bytes. Paging by version needs no long snapshot: writers commit in
 * version order (apply.ts), so every version up to a page's last one is final.
 *
 * A fornitore's view depends on assignments and needs the pull's filtering (and, when
 * resuming, its entered/left logic): their stream is made of ordinary pull pages, with
 * a checkpoint after each. Their replicas are small.
 */
import { PassThrough, type Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import type { z } from 'zod';
import { BOOTSTRAP_PATH, NDJSON, zBootstrapRequest } from '../src-shared/sync/bootstrap';
import type { Session } from './auth';
import type { ServerContext } from './context';
import { HttpError, MESSAGES, parseBody } from './errors';
import { pull } from './pull';
import { maxVersion } from './rows';
import { loadActor } from './snapshot';
import type { Storage } from './storage/storage';
import { toChange, viewerOf, viewHash, type Viewer } from './visibility';

type BootstrapRequest = z.infer<typeof zBootstrapRequest>;

/** Rows per page read from PostgreSQL (and per checkpoint); tests make pages small. */
export const bootstrapPages = { staff: 10_000, supplier: 5_000 };

export function bootstrapRoutes(app: FastifyInstance, ctx: ServerContext): void {
  app.post(BOOTSTRAP_PATH, async (req, reply) => {
    const session = await ctx.auth(req);
    const body = parseBody(zBootstrapRequest, req.body);
    const plan = await planBootstrap(ctx.storage, session, body);
    const out = new PassThrough();
    void produce(ctx.storage, session, body, plan, out).then(
      () => out.end(),
      (err: unknown) => {
        req.log.error(err);
        // The client sees a stream without its end line and resumes from its last checkpoint.
        out.destroy(err as Error);
      },
    );
    return reply.type(NDJSON).header('cache-control', 'no-store').send(out);
  });
}

type Plan = { kind: 'reset' } | { kind: 'staff'; viewer: Viewer } | { kind: 'supplier' };

async function planBootstrap(storage: Storage, session: Session, req: BootstrapRequest): Promise<Plan> {
  if (req.clientId !== session.clientId) throw new HttpError(403, 'forbidden', MESSAGES.wrongClient);
  const [client] = await storage.query<{ user_id: string; view_hash: string | null }>(
    'SELECT user_id, view_hash FROM clients WHERE client_id = $1',
    [req.clientId],
  );
  if (!client || client.user_id !== session.userId) {
    throw new HttpError(403, 'forbidden', MESSAGES.wrongClient);
  }
  const actor = await loadActor(storage, session.userId);
  if (!actor) throw new HttpError(401, 'unauthenticated', MESSAGES.disabled);
  const viewer = viewerOf(actor);
  if (viewer.supplier) return { kind: 'supplier' };
  const hash = viewHash(viewer);
  if (req.after > 0) {
    // Rows already received were chosen for another view, or come from another database.
    if (client.view_hash !== hash || req.after > (await maxVersion(storage))) return { kind: 'reset' };
  } else if (client.view_hash !== hash) {
    await storage.query('UPDATE clients SET view_hash = $2 WHERE client_id = $1', [req.clientId, hash]);
  }
  return { kind: 'staff', viewer };
}

async function produce(
  storage: Storage,
  session: Session,
  req: BootstrapRequest,
  plan: Plan,
  out: PassThrough,
): Promise<void> {
  if (plan.kind === 'reset') {
    await write(out, '{"reset":true}\n');
    return;
  }
  if (plan.kind === 'supplier') {
    await supplierStream(storage, session, req, out);
    return;
  }
  await staffStream(storage, plan.viewer, req.after, out);
}

async function staffStream(storage: Storage, v: Viewer, after: number, out: PassThrough): Promise<void> {
  let cursor = after;
  let totalSent = false;
  for await (const page of staffPages(storage, v.seesReporters, after, () => out.destroyed)) {
    if (page.total !== null && !totalSent) {
      totalSent = true;
      await write(out, `{"total":${page.total}}\n`);
    }
    cursor = page.cursor;
    await write(out, `${page.body}\n{"cursor":${cursor}}\n`);
  }
  if (out.destroyed) return;
  await write(out, `{"end":true,"cursor":${cursor}}\n`);
}

export interface StaffPage {
  /** NDJSON row lines (RowChange objects), newline-separated, no trailing newline. */
  body: string;
  /** The last version in the page: every version up to it is final. */
  cursor: number;
  rows: number;
  /** The number of rows after `after`, once PostgreSQL has counted them (else null). */
  total: number | null;
}

/**
 * Every stored row after `after` as a staff replica holds it, in version order, one
 * page at a time. Shared by the bootstrap stream and the server's bootstrap snapshot
 * (src-main/sync/seed). The next page is read while the caller handles this one.
 */
export async function* staffPages(
  storage: Storage,
  seesReporters: boolean,
  after: number,
  stop: () => boolean = () => false,
): AsyncGenerator<StaffPage> {
  // Tombstones matter only to a replica that already holds rows (a resumed bootstrap).
  const withDeleted = after > 0;
  let total: number | null = null;
  void storage
    .query<{ n: number }>(
      `SELECT count(*)::int AS n FROM sync_rows
        WHERE version > $1 AND ($2 OR NOT deleted) AND ($3 OR tbl <> 'reporters')`,
      [after, withDeleted, seesReporters],
    )
    .then(
      ([r]) => {
        total = r?.n ?? 0;
      },
      () => undefined,
    );
  const readPage = (from: number) =>
    storage
      .query<{ body: string | null; last: number | null; n: number }>(
        `SELECT string_agg(line, E'\\n' ORDER BY version) AS body, max(version) AS last, count(*)::int AS n
           FROM (SELECT version,
                   CASE WHEN deleted
                     THEN '{"table":"' || tbl || '","op":"del","key":' || to_json(key)::text || ',"row":null}'
                     ELSE '{"table":"' || tbl || '","op":"put","key":' || to_json(key)::text || ',"row":' || data::text || '}'
                   END AS line
                   FROM sync_rows
                  WHERE version > $1 AND ($2 OR NOT deleted) AND ($3 OR tbl <> 'reporters')
                  ORDER BY version LIMIT $4) page`,
        [from, withDeleted, seesReporters, bootstrapPages.staff],
      )
      .then(([page]) => page);
  const prefetch = (from: number) => {
    const p = readPage(from);
    // Handled where it is awaited; until then a failure must not count as unhandled.
    p.catch(() => undefined);
    return p;
  };
  // The next page is read while this one travels: PostgreSQL and the replica work at once.
  let next = prefetch(after);
  for (;;) {
    if (stop()) {
      await next.catch(() => undefined);
      return;
    }
    const page = await next;
    if (!page || page.n === 0 || page.body === null || page.last === null) return;
    const more = page.n >= bootstrapPages.staff;
    if (more) next = prefetch(page.last);
    const body = seesReporters ? page.body : redactLines(page.body);
    yield { body, cursor: page.last, rows: page.n, total };
    if (!more) return;
  }
}

const LOG_LINE = '{"table":"log_entries","op":"put"';
const STAFF_WITHOUT_REPORTERS: Viewer = { userId: '', supplier: false, seesReporters: false, groupIds: [] };

/**
 * A viewer without "vede i dati dei segnalatori" gets log entries with personal data
 * blanked, as a pull gives them (visibility.ts toChange): only those lines are parsed.
 */
function redactLines(body: string): string {
  if (!body.includes(LOG_LINE)) return body;
  return body
    .split('\n')
    .map((line) => {
      if (!line.startsWith(LOG_LINE)) return line;
      const c = JSON.parse(line) as { table: 'log_entries'; key: string; row: Record<string, unknown> };
      const row = toChange(STAFF_WITHOUT_REPORTERS, {
        tbl: c.table,
        key: c.key,
        data: c.row,
        version: 0,
        deleted: false,
      }).row;
      return JSON.stringify({ table: c.table, op: 'put', key: c.key, row });
    })
    .join('\n');
}

async function supplierStream(
  storage: Storage,
  session: Session,
  req: BootstrapRequest,
  out: PassThrough,
): Promise<void> {
  let cursor = req.after;
  for (;;) {
    if (out.destroyed) return;
    const page = await pull(storage, session, {
      clientId: req.clientId,
      cursor,
      limit: bootstrapPages.supplier,
    });
    if (page.reset) {
      await write(out, '{"reset":true}\n');
      return;
    }
    if (cursor === req.after && page.totalEstimate !== null) {
      await write(out, `{"total":${page.totalEstimate}}\n`);
    }
    let chunk = '';
    for (const c of page.changes) chunk += JSON.stringify(c) + '\n';
    cursor = page.cursor;
    await write(out, `${chunk}{"cursor":${cursor}}\n`);
    if (!page.more) break;
  }
  await write(out, `{"end":true,"cursor":${cursor}}\n`);
}

/**
 * Writes with backpressure; a client that went away ends the wait too. The listeners go
 * once the wait ends: a race of once('drain') and once('close') left a 'close' and an
 * 'error' listener behind at every wait, thousands in a large bootstrap.
 */
async function write(out: Writable, text: string): Promise<void> {
  if (out.destroyed) return;
  if (out.write(text)) return;
  await new Promise<void>((resolve) => {
    const done = () => {
      out.off('drain', done);
      out.off('close', done);
      resolve();
    };
    out.on('drain', done);
    out.on('close', done);
  });
}
