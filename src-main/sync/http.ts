/** Small JSON-over-HTTP client for the sync server, with timeouts and typed failures. */
import type { z } from 'zod';

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
  const send = () =>
    fetch(new URL(path, baseUrl), {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}),
      },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(opts.timeoutMs ?? 30_000),
    });
  let res: Response;
  try {
    res = await send();
  } catch {
    // After the network comes back, the first request often dies on a kept-alive socket
    // the other side already closed. Every sync request is idempotent (pushes carry
    // sequence numbers), so one immediate retry is safe and saves a backoff round.
    try {
      res = await send();
    } catch (e) {
      throw new SyncHttpError('network', `Server non raggiungibile (${(e as Error).message}).`);
    }
  }
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new SyncHttpError(
      'bad_response',
      `Risposta non valida dal server (HTTP ${res.status}).`,
      res.status,
    );
  }
  if (res.status === 401) {
    throw new SyncHttpError(
      'unauthenticated',
      messageOf(json) ?? 'Sessione sul server scaduta: accedi di nuovo.',
      401,
    );
  }
  if (!res.ok) {
    throw new SyncHttpError(
      'refused',
      messageOf(json) ?? `Il server ha rifiutato la richiesta (HTTP ${res.status}).`,
      res.status,
    );
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success)
    throw new SyncHttpError('bad_response', 'Risposta del server in un formato inatteso.', res.status);
  return parsed.data;
}

function messageOf(json: unknown): string | null {
  if (json && typeof json === 'object') {
    const o = json as { message?: unknown; error?: { message?: unknown } };
    if (typeof o.message === 'string') return o.message;
    if (o.error && typeof o.error.message === 'string') return o.error.message;
  }
  return null;
}
