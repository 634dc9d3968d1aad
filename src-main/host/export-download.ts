/**
 * Streamed export downloads for the browser host, any size (the API's base64 answer
 * stops at MAX_DOWNLOAD_BYTES).
 *
 * 1. `POST /api/export-ticket` {session, exportId}, with the launch secret like every API
 *    call: the core answers `exports.status` as that session, so only the owner of a
 *    finished export gets a ticket, and only for a file inside `<dataDir>/exports/`.
 * 2. `GET /api/export-file/<ticket>`: the file, streamed with backpressure.
 *
 * The ticket (random, single use, two minutes) stands in for the secrets in the URL a
 * plain link has to use: neither the launch secret nor the session ever appears in the
 * browser's download list or history.
 */
import { randomBytes } from 'node:crypto';
import { createReadStream, fstatSync, realpathSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join, sep } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { ExportStatus } from '../../src-shared/api/calls-stats';
import type { Core } from '../core/core-types';

export const TICKET_PREFIX = '/api/export-file/';
const TICKET_TTL_MS = 2 * 60_000;
const MAX_TICKET_BODY = 4096;

const MIME: Record<string, string> = {
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  pdf: 'application/pdf',
};

interface Ticket {
  path: string;
  fileName: string;
  format: string;
  expires: number;
}

/** ASCII fallback plus RFC 6266/5987 `filename*`: no quote, slash or control char gets through. */
export function contentDisposition(fileName: string): string {
  const ascii =
    fileName
      .replace(/[^A-Za-z0-9._-]/g, '_')
      .replace(/^\.+/, '_')
      .slice(0, 150) || 'export';
  const ext = encodeURIComponent(fileName.slice(0, 150)).replace(
    /['()*!]/g,
    (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase(),
  );
  return `attachment; filename="${ascii}"; filename*=UTF-8''${ext}`;
}

type Send = (res: ServerResponse, status: number, body: string, type: string) => void;

export function createExportDownloads(core: Core, send: Send, now: () => number = Date.now) {
  const tickets = new Map<string, Ticket>();
  const json = (res: ServerResponse, status: number, body: unknown) =>
    send(res, status, JSON.stringify(body), 'application/json');
  const refuse = (res: ServerResponse, status: number, code: string, message: string) =>
    json(res, status, { ok: false, error: { code, message } });

  /** The export folder as the file system sees it (symlinks resolved), or null if absent. */
  function exportsRoot(): string | null {
    try {
      return realpathSync(join(core.dataDir, 'exports'));
    } catch {
      return null;
    }
  }

  async function mint(req: IncomingMessage, res: ServerResponse) {
    let size = 0;
    const chunks: Buffer[] = [];
    for await (const c of req) {
      size += (c as Buffer).length;
      if (size > MAX_TICKET_BODY) return refuse(res, 413, 'too_large', 'Richiesta troppo grande.');
      chunks.push(c as Buffer);
    }
    let body: { session?: unknown; exportId?: unknown };
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as typeof body;
    } catch {
      return refuse(res, 400, 'validation', 'Richiesta non valida.');
    }
    const session = typeof body.session === 'string' ? body.session : null;
    // The core decides who may see the export: the same check as exports.status.
    const st = await core.call('exports.status', { exportId: body.exportId }, session);
    if (!st.ok) return json(res, st.error.code === 'unauthenticated' ? 401 : 404, st);
    const s = st.value as ExportStatus;
    if (s.state !== 'done') return refuse(res, 409, 'conflict', 'L’esportazione non è ancora pronta.');
    const root = exportsRoot();
    let real: string;
    try {
      real = realpathSync(s.path);
    } catch {
      return refuse(res, 404, 'not_found', 'Il file dell’esportazione non c’è più: ripeti l’esportazione.');
    }
    if (!root || !real.startsWith(root + sep)) {
      return refuse(res, 403, 'forbidden', 'Questo file non si scarica dal browser.');
    }
    for (const [k, t] of tickets) if (t.expires < now()) tickets.delete(k);
    const ticket = randomBytes(24).toString('base64url');
    tickets.set(ticket, {
      path: real,
      fileName: s.fileName,
      format: s.format,
      expires: now() + TICKET_TTL_MS,
    });
    json(res, 200, { ok: true, value: { url: `${TICKET_PREFIX}${ticket}` } });
  }

  async function serve(req: IncomingMessage, res: ServerResponse) {
    const id = new URL(req.url ?? '/', 'http://x').pathname.slice(TICKET_PREFIX.length);
    const t = tickets.get(id);
    // Single use: a second request with the same ticket finds nothing.
    tickets.delete(id);
    if (!t || t.expires < now()) {
      return send(res, 403, 'Collegamento scaduto: ripeti lo scaricamento.', 'text/plain; charset=utf-8');
    }
    const stream = createReadStream(t.path);
    const opened = await new Promise<number | null>((ok) => {
      stream.once('error', () => ok(null));
      // fstat of the open descriptor: the length of exactly the file being sent.
      stream.once('ready', () => ok(fstatSync((stream as unknown as { fd: number }).fd).size));
    });
    if (opened === null) {
      stream.destroy();
      return send(res, 404, 'Il file non c’è più: ripeti l’esportazione.', 'text/plain; charset=utf-8');
    }
    res.writeHead(200, {
      'Content-Type': MIME[t.format] ?? 'application/octet-stream',
      'Content-Length': String(opened),
      'Content-Disposition': contentDisposition(t.fileName),
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
      'Cache-Control': 'no-store',
    });
    if (req.method === 'HEAD') {
      stream.destroy();
      res.end();
      return;
    }
    // pipeline: reads only as fast as the socket drains, and closes the file on error.
    await pipeline(stream, res).catch(() => res.destroy());
  }

  return { mint, serve };
}
