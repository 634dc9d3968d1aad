import type { ApiResult } from '../../../src-shared/api';
import type { Transport } from './transport';
import { networkError } from './transport';
import { nextBackoff } from './backoff';

const SECRET_KEY = 'sportello.hostToken';

/**
 * The browser host hands its secret in the URL fragment (never sent to the server in
 * requests, never logged). Keep it for this tab and take it out of the address bar so
 * it is not bookmarked or shared by accident.
 */
export function takeHostSecret(): string | null {
  const m = /(?:^#|&)token=([^&]+)/.exec(location.hash);
  if (m) {
    const secret = decodeURIComponent(m[1]!);
    sessionStorage.setItem(SECRET_KEY, secret);
    const rest = location.hash.replace(/(^#|&)token=[^&]+/, '$1').replace(/^#&?$/, '');
    history.replaceState(null, '', location.pathname + location.search + (rest || '#/'));
    return secret;
  }
  return sessionStorage.getItem(SECRET_KEY);
}

export function httpTransport(secret: string | null): Transport {
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  let socket: WebSocket | null = null;
  let attempt = 0;
  let timer: ReturnType<typeof setTimeout> | null = null;

  function connect() {
    if (socket || !secret) return;
    const proto = location.protocol === 'https:' ? 'wss' : 'ws';
    const ws = new WebSocket(`${proto}://${location.host}/api/events?token=${encodeURIComponent(secret)}`);
    socket = ws;
    ws.onopen = () => {
      attempt = 0;
    };
    ws.onmessage = (ev) => {
      let msg: { event?: unknown; payload?: unknown };
      try {
        msg = JSON.parse(String(ev.data)) as typeof msg;
      } catch {
        return;
      }
      if (typeof msg.event !== 'string') return;
      for (const cb of listeners.get(msg.event) ?? []) cb(msg.payload);
    };
    ws.onclose = () => {
      socket = null;
      if (listenerCount() === 0) return;
      const delay = nextBackoff(attempt++);
      timer = setTimeout(() => {
        timer = null;
        connect();
      }, delay);
    };
  }

  const listenerCount = () => [...listeners.values()].reduce((n, s) => n + s.size, 0);

  return {
    async invoke(name, input, session) {
      if (!secret) {
        return networkError("Manca il codice di accesso: apri Sportello dal link mostrato all'avvio.");
      }
      try {
        const res = await fetch('api/call', {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', 'X-Sportello-Token': secret },
          body: JSON.stringify({ name, input, session }),
        });
        const body = (await res.json().catch(() => null)) as ApiResult<unknown> | null;
        if (body && typeof body === 'object' && 'ok' in body) return body;
        return networkError(`Risposta non valida dal servizio (HTTP ${res.status}).`);
      } catch {
        return networkError(
          'Il servizio di Sportello non risponde. Controlla che sia in esecuzione e riprova.',
        );
      }
    },
    async exportUrl(exportId, session) {
      if (!secret)
        return networkError("Manca il codice di accesso: apri Sportello dal link mostrato all'avvio.");
      try {
        const res = await fetch('api/export-ticket', {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', 'X-Sportello-Token': secret },
          body: JSON.stringify({ exportId, session }),
        });
        const body = (await res.json().catch(() => null)) as ApiResult<{ url: string }> | null;
        if (body && typeof body === 'object' && 'ok' in body) return body;
        return networkError(`Risposta non valida dal servizio (HTTP ${res.status}).`);
      } catch {
        return networkError(
          'Il servizio di Sportello non risponde. Controlla che sia in esecuzione e riprova.',
        );
      }
    },
    on(event, cb) {
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      set.add(cb);
      connect();
      return () => {
        set.delete(cb);
        if (listenerCount() === 0) {
          if (timer) clearTimeout(timer);
          timer = null;
          socket?.close();
          socket = null;
        }
      };
    },
  };
}
