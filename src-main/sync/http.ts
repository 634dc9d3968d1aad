/** Small JSON-over-HTTP client for the sync server, with timeouts and typed failures. */
import http from 'node:http';
import https from 'node:https';
import type { z } from 'zod';

/**
 * node:http with one kept-alive pool per protocol, Nagle off. A change reaches other PCs
 * through two of these requests (push, then the poked PC's pull): fetch (undici) spent
 * about 0.4 ms of CPU more per request on loopback, on the path of every change. Idle
 * pooled sockets are unref'd by the agent: they never keep a process alive.
 */
const AGENTS: Record<string, http.Agent> = {
  'http:': new http.Agent({ keepAlive: true, noDelay: true }),
  'https:': new https.Agent({ keepAlive: true, noDelay: true }),
};

export class SyncHttpError extends Error {
  constructor(
    readonly kind: 'network' | 'unauthenticated' | 'refused' | 'bad_response',
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }
}

export async function postJson<T extends z.ZodType>(
  baseUrl: string,
  path: string,
  body: unknown,
  schema: T,
  opts: { token?: string | null; timeoutMs?: number } = {},
): Promise<z.output<T>> {
  const url = new URL(path, baseUrl);
  const payload = JSON.stringify(body);
  const headers: http.OutgoingHttpHeaders = {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(payload),
    ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}),
  };
  const send = () => postOnce(url, payload, headers, opts.timeoutMs ?? 30_000);
  let res: RawResponse;
  try {
    res = await send();
  } catch (first) {
    // Cut in the middle of the answer: the server did the work; report it as before.
    if (first instanceof CutAnswer) throw unreachable(first);
    // After the network comes back, the first request often dies on a kept-alive socket
    // the other side already closed. Every sync request is idempotent (pushes carry
    // sequence numbers), so one immediate retry is safe and saves a backoff round.
    try {
      res = await send();
    } catch (e) {
      throw unreachable(e as Error);
    }
  }
  let json: unknown;
  try {
    json = JSON.parse(res.text);
  } catch {
    throw new SyncHttpError(
      'bad_response',
      `Risposta non valida dal server (HTTP ${res.status}).`,
      res.status,
    );
  }
  if (res.status < 200 || res.status > 299) throw refusalOf(res.status, json);
  const parsed = schema.safeParse(json);
  if (!parsed.success)
    throw new SyncHttpError('bad_response', 'Risposta del server in un formato inatteso.', res.status);
  return parsed.data;
}

/** A refusal (non-2xx) as the clerk reads it: the server's Italian message when it sent one. */
export function refusalOf(status: number, body: unknown): SyncHttpError {
  if (status === 401) {
    return new SyncHttpError(
      'unauthenticated',
      messageOf(body) ?? 'Sessione sul server scaduta: accedi di nuovo.',
      401,
    );
  }
  return new SyncHttpError(
    'refused',
    messageOf(body) ?? `Il server ha rifiutato la richiesta (HTTP ${status}).`,
    status,
  );
}

/** The body of a refusal, parsed if it is JSON (else the status alone speaks). */
export function jsonOrNull(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

const unreachable = (e: Error) => new SyncHttpError('network', `Server non raggiungibile (${e.message}).`);

/** The connection died after the answer had begun (not retried: the request was served). */
class CutAnswer extends Error {}

interface RawResponse {
  status: number;
  text: string;
}

/** One POST, the whole answer read; a cut connection or the timeout is an error. */
function postOnce(
  url: URL,
  payload: string,
  headers: http.OutgoingHttpHeaders,
  timeoutMs: number,
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const lib = url.protocol === 'https:' ? https : http;
    let settled = false;
    const fail = (e: Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.destroy();
      reject(e);
    };
    const req = lib.request(url, { method: 'POST', agent: AGENTS[url.protocol], headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') });
      });
      const cut = () => fail(new CutAnswer('connessione interrotta durante la risposta'));
      res.on('error', cut);
      res.on('close', () => {
        if (!res.complete) cut();
      });
    });
    const timer = setTimeout(
      () => fail(new Error(`nessuna risposta entro ${Math.round(timeoutMs / 1000)} s`)),
      timeoutMs,
    );
    req.on('error', fail);
    req.end(payload);
  });
}

function messageOf(json: unknown): string | null {
  if (json && typeof json === 'object') {
    const o = json as { message?: unknown; error?: { message?: unknown } };
    if (typeof o.message === 'string') return o.message;
    if (o.error && typeof o.error.message === 'string') return o.error.message;
  }
  return null;
}
