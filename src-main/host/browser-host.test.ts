import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createTestWorld, type TestWorld } from '../testing/test-core';
import { startBrowserHost, type Host } from './browser-host';

let w: TestWorld;
let host: Host;
let renderer: string;

beforeAll(async () => {
  w = await createTestWorld();
  renderer = mkdtempSync(join(tmpdir(), 'sportello-renderer-'));
  writeFileSync(join(renderer, 'index.html'), '<!doctype html><title>Sportello</title>');
  host = await startBrowserHost({ core: w.core, rendererDir: renderer });
});
afterAll(async () => {
  await host.close();
  w.cleanup();
  rmSync(renderer, { recursive: true, force: true });
});

function raw(path: string, opts: { method?: string; headers?: Record<string, string>; body?: string } = {}) {
  return new Promise<{ status: number; body: string; headers: Record<string, unknown> }>(
    (resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port: host.port,
          path,
          method: opts.method ?? 'GET',
          headers: { host: `127.0.0.1:${host.port}`, ...opts.headers },
        },
        (res) => {
          let body = '';
          res.on('data', (c) => (body += c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
        },
      );
      req.on('error', reject);
      req.end(opts.body);
    },
  );
}

const api = (name: string, input: unknown, token = host.token, session: string | null = null) =>
  raw('/api/call', {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-sportello-token': token },
    body: JSON.stringify({ name, input, session }),
  });

describe('browser host', () => {
  it('listens on 127.0.0.1 only and prints a URL with the launch secret', () => {
    expect(host.url).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${host.port}/#token=`));
  });

  it('answers API calls with the secret, refuses them without', async () => {
    const ok = await api('app.info', {});
    expect(ok.status).toBe(200);
    expect(JSON.parse(ok.body)).toMatchObject({ ok: true, value: { name: 'Sportello' } });
    const no = await api('app.info', {}, 'wrong-secret-of-the-same-length-xx');
    expect(no.status).toBe(403);
  });

  it('refuses foreign Host headers (DNS rebinding)', async () => {
    const r = await raw('/', { headers: { host: 'evil.example:80' } });
    expect(r.status).toBe(421);
  });

  it('serves the renderer with a strict CSP and never files outside it', async () => {
    const r = await raw('/');
    expect(r.status).toBe(200);
    expect(String(r.headers['content-security-policy'])).toMatch(/default-src 'self'/);
    const t = await raw('/../../../../etc/passwd');
    expect(t.body).not.toMatch(/root:/);
    const enc = await raw('/%2e%2e/%2e%2e/%2e%2e/etc/passwd');
    expect(enc.body).not.toMatch(/root:/);
  });

  it('refuses malformed JSON with a clear message', async () => {
    const r = await raw('/api/call', {
      method: 'POST',
      headers: { 'x-sportello-token': host.token },
      body: '{nope',
    });
    expect(r.status).toBe(400);
    expect(JSON.parse(r.body).error.message).toMatch(/non valida/);
  });

  it('pushes data.changed events over the WebSocket to holders of the secret', async () => {
    const s = JSON.parse(
      (await api('setup.createAdmin', { username: 'admin', fullName: 'Admin', password: 'password-admin' }))
        .body,
    ).value;
    const ws = new WebSocket(`ws://127.0.0.1:${host.port}/api/events?token=${host.token}`);
    await new Promise((r) => ws.once('open', r));
    const got = new Promise<{ event: string; payload: { tables: string[] } }>((r) =>
      ws.once('message', (m) => r(JSON.parse(String(m)))),
    );
    await api(
      'reports.create',
      { fields: { title: 'Lampione spento', channel: 'web', categoryId: null } },
      host.token,
      s.token,
    );
    const msg = await got;
    expect(msg.event).toBe('data.changed');
    expect(msg.payload.tables).toContain('reports');
    ws.close();

    const bad = new WebSocket(`ws://127.0.0.1:${host.port}/api/events?token=nope`);
    await expect(
      new Promise((resolve, reject) => {
        bad.once('open', resolve);
        bad.once('error', reject);
      }),
    ).rejects.toBeTruthy();
  });
});
