/**
 * The browser host: serves the built renderer and the core's router on 127.0.0.1
 * only. Every API request must carry the per-launch secret (X-Sportello-Token), which
 * only the URL printed at launch contains; Host is checked against DNS rebinding.
 * The same `core.call` the Electron shell uses answers every request; finished exports
 * are streamed by ./export-download (any size, to their owner only).
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Core } from '../core/core-types';
import { createExportDownloads, TICKET_PREFIX } from './export-download';

export const MAX_BODY_BYTES = 48 * 1024 * 1024;

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.webp': 'image/webp',
};

const CSP = [
  "default-src 'self'",
  "img-src 'self' data: blob:",
  "style-src 'self' 'unsafe-inline'",
  "connect-src 'self' ws://127.0.0.1:* http://127.0.0.1:*",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

export interface HostOptions {
  core: Core;
  rendererDir: string;
  port?: number;
  /** Fixed secret (tests); random per launch otherwise. */
  token?: string;
}

export interface Host {
  url: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export async function startBrowserHost(opts: HostOptions): Promise<Host> {
  const token = opts.token ?? randomBytes(24).toString('base64url');
  const root = resolve(opts.rendererDir);
  let port = 0;

  const hostAllowed = (req: IncomingMessage) => {
    const h = req.headers.host ?? '';
    return h === `127.0.0.1:${port}` || h === `localhost:${port}`;
  };

  function send(
    res: ServerResponse,
    status: number,
    body: string | Buffer,
    type: string,
    extra: Record<string, string> = {},
  ) {
    res.writeHead(status, {
      'Content-Type': type,
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
      'Cache-Control': 'no-store',
      ...extra,
    });
    res.end(body);
  }

  const hasSecret = (req: IncomingMessage) => {
    const given = req.headers['x-sportello-token'];
    return typeof given === 'string' && sameSecret(given, token);
  };
  const downloads = createExportDownloads(opts.core, send);

  async function handleApi(req: IncomingMessage, res: ServerResponse) {
    if (!hasSecret(req)) {
      return send(
        res,
        403,
        JSON.stringify({ ok: false, error: { code: 'forbidden', message: 'Accesso non autorizzato.' } }),
        'application/json',
      );
    }
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req) {
      size += (chunk as Buffer).length;
      if (size > MAX_BODY_BYTES) {
        return send(
          res,
          413,
          JSON.stringify({ ok: false, error: { code: 'too_large', message: 'Richiesta troppo grande.' } }),
          'application/json',
        );
      }
      chunks.push(chunk as Buffer);
    }
    let body: { name?: unknown; input?: unknown; session?: unknown };
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      return send(
        res,
        400,
        JSON.stringify({ ok: false, error: { code: 'validation', message: 'Richiesta non valida.' } }),
        'application/json',
      );
    }
    const result = await opts.core.call(
      typeof body.name === 'string' ? body.name : '',
      body.input,
      typeof body.session === 'string' ? body.session : null,
    );
    send(res, 200, JSON.stringify(result), 'application/json');
  }

  function serveStatic(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', 'http://x');
    let rel: string;
    try {
      rel = decodeURIComponent(url.pathname);
    } catch {
      return send(res, 400, 'Bad request', 'text/plain');
    }
    const file = normalize(join(root, rel === '/' ? 'index.html' : rel));
    if (!file.startsWith(root + sep) && file !== root) return send(res, 404, 'Not found', 'text/plain');
    const target = existsSync(file) && statSync(file).isFile() ? file : join(root, 'index.html');
    if (!existsSync(target)) {
      return send(
        res,
        503,
        'Interfaccia non compilata: esegui "npm run build".',
        'text/plain; charset=utf-8',
      );
    }
    send(res, 200, readFileSync(target), MIME[extname(target)] ?? 'application/octet-stream', {
      'Content-Security-Policy': CSP,
      'X-Frame-Options': 'DENY',
    });
  }

  const server = createServer((req, res) => {
    if (!hostAllowed(req)) return send(res, 421, 'Host non consentito', 'text/plain; charset=utf-8');
    if (req.method === 'POST' && req.url === '/api/call') {
      handleApi(req, res).catch(() => {
        if (!res.headersSent)
          send(
            res,
            500,
            JSON.stringify({ ok: false, error: { code: 'internal', message: 'Errore interno.' } }),
            'application/json',
          );
      });
      return;
    }
    if (req.method === 'POST' && req.url === '/api/export-ticket') {
      if (!hasSecret(req)) {
        return send(
          res,
          403,
          JSON.stringify({ ok: false, error: { code: 'forbidden', message: 'Accesso non autorizzato.' } }),
          'application/json',
        );
      }
      downloads.mint(req, res).catch(() => {
        if (!res.headersSent) send(res, 500, 'Errore interno.', 'text/plain; charset=utf-8');
      });
      return;
    }
    if ((req.method === 'GET' || req.method === 'HEAD') && req.url?.startsWith(TICKET_PREFIX)) {
      downloads.serve(req, res).catch(() => res.destroy());
      return;
    }
    if (req.method === 'GET' || req.method === 'HEAD') return serveStatic(req, res);
    send(res, 405, 'Method not allowed', 'text/plain');
  });

  const wss = new WebSocketServer({ noServer: true });
  const sockets = new Set<WebSocket>();
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const t = url.searchParams.get('token') ?? '';
    if (!hostAllowed(req) || url.pathname !== '/api/events' || !sameSecret(t, token)) {
      socket.destroy();
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      sockets.add(ws);
      ws.on('close', () => sockets.delete(ws));
    });
  });
  const off = opts.core.onAny((event, payload) => {
    const msg = JSON.stringify({ event, payload });
    for (const ws of sockets) ws.send(msg);
  });

  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(opts.port ?? 0, '127.0.0.1', () => ok());
  });
  port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/#token=${token}`,
    port,
    token,
    async close() {
      off();
      for (const ws of sockets) ws.terminate();
      wss.close();
      await new Promise<void>((ok) => server.close(() => ok()));
    },
  };
}
