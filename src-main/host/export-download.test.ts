/**
 * Streamed export downloads over real HTTP on loopback: a file well past the API's
 * 64 MB base64 limit arrives byte for byte; tickets go only to the export's owner,
 * only with the launch secret, only for files inside the export folder, once.
 */
import { createHash } from 'node:crypto';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExportStatus } from '../../src-shared/api/calls-stats';
import { MAX_DOWNLOAD_BYTES } from '../export/export-jobs';
import { buildFixture, type Fixture } from '../testing/fixtures';
import { createTestWorld, type TestWorld } from '../testing/test-core';
import { startBrowserHost, type Host } from './browser-host';
import { contentDisposition } from './export-download';

let w: TestWorld;
let f: Fixture;
let host: Host;
let renderer: string;
let outside: string;

const ALL = { statuses: ['nuovo', 'in_gestione', 'chiuso'] };

beforeAll(async () => {
  w = await createTestWorld();
  f = await buildFixture(w);
  for (const title of ['Buca in via Roma', 'Lampione spento']) {
    await w.ok(
      'reports.create',
      { fields: { title, channel: 'telefono', categoryId: f.bucaId, lat: 45.69, lon: 9.67 } },
      f.clerk,
    );
  }
  renderer = mkdtempSync(join(tmpdir(), 'sportello-renderer-'));
  outside = mkdtempSync(join(tmpdir(), 'sportello-outside-'));
  writeFileSync(join(renderer, 'index.html'), '<!doctype html><title>Sportello</title>');
  host = await startBrowserHost({ core: w.core, rendererDir: renderer });
});
afterAll(async () => {
  await host?.close();
  w?.cleanup();
  rmSync(renderer, { recursive: true, force: true });
  rmSync(outside, { recursive: true, force: true });
});

interface Got {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  bytes: number;
  sha256: string;
  text: string;
}

/** A real request; the body is hashed as it streams in, never held whole. */
function http(
  path: string,
  opts: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<Got> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: host.port,
        path,
        method: opts.method ?? 'GET',
        headers: { host: `127.0.0.1:${host.port}`, ...opts.headers },
      },
      (res) => {
        const hash = createHash('sha256');
        let bytes = 0;
        let text = '';
        res.on('data', (c: Buffer) => {
          hash.update(c);
          bytes += c.length;
          if (text.length < 2000) text += c.toString('utf8');
        });
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            bytes,
            sha256: hash.digest('hex'),
            text,
          }),
        );
      },
    );
    req.on('error', reject);
    req.end(opts.body);
  });
}

const mint = (exportId: string, session: string | null, secret: string = host.token) =>
  http('/api/export-ticket', {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-sportello-token': secret },
    body: JSON.stringify({ session, exportId }),
  });

async function finished(exportId: string): Promise<ExportStatus> {
  for (;;) {
    const s = await w.ok<ExportStatus>('exports.status', { exportId }, f.clerk);
    if (s.state !== 'running') return s;
    await new Promise((r) => setTimeout(r, 10));
  }
}

async function exportCsv(saveTo?: string): Promise<ExportStatus> {
  const r = await w.core.call(
    'exports.start',
    { format: 'csv', filters: ALL },
    f.clerk,
    saveTo ? { saveTo } : undefined,
  );
  if (!r.ok) throw new Error(r.error.message);
  const s = await finished((r.value as { exportId: string }).exportId);
  expect(s.state).toBe('done');
  return s;
}

const sha = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

describe('streamed export download (browser host)', () => {
  it('streams a file bigger than the API limit byte for byte, with a safe attachment name', async () => {
    const s = await exportCsv();
    expect(readFileSync(s.path, 'utf8')).toContain('Lampione spento');
    // Grow the finished export past 64 MB: what matters here is the size, not the rows.
    const block = Buffer.alloc(4 * 1024 * 1024);
    for (let i = 0; i < block.length; i++) block[i] = (i * 31 + 7) & 0xff;
    for (let i = 0; i < 18; i++) appendFileSync(s.path, block);
    const size = readFileSync(s.path).length;
    expect(size).toBeGreaterThan(MAX_DOWNLOAD_BYTES);

    const t = await mint(s.exportId, f.clerk);
    expect(t.status).toBe(200);
    const { url } = (JSON.parse(t.text) as { value: { url: string } }).value;
    expect(url).not.toContain(host.token);
    expect(url).not.toContain(f.clerk);
    const got = await http(url);
    expect(got.status).toBe(200);
    expect(got.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(Number(got.headers['content-length'])).toBe(size);
    expect(got.headers['content-disposition']).toBe(
      `attachment; filename="${s.fileName}"; filename*=UTF-8''${s.fileName}`,
    );
    expect(got.bytes).toBe(size);
    expect(got.sha256).toBe(sha(s.path));

    // Single use.
    expect((await http(url)).status).toBe(403);
  });

  it("refuses without the launch secret, without the owner's session, or with a made-up ticket", async () => {
    const s = await exportCsv();
    expect((await mint(s.exportId, f.clerk, 'x'.repeat(host.token.length))).status).toBe(403);
    // Another user with "esportazione" cannot see this export.
    const other = await mint(s.exportId, f.noData);
    expect(other.status).toBe(404);
    expect(other.text).not.toContain(s.path);
    expect((await mint(s.exportId, null)).status).toBe(401);
    expect((await mint('no-such-export', f.clerk)).status).toBe(404);
    expect((await http('/api/export-file/invented-ticket')).status).toBe(403);
    // DNS rebinding: a foreign Host is refused before anything else.
    const t = JSON.parse((await mint(s.exportId, f.clerk)).text) as { value: { url: string } };
    expect((await http(t.value.url, { headers: { host: 'evil.example' } })).status).toBe(421);
  });

  it('never serves files outside the export folder', async () => {
    // A file the person saved elsewhere (desktop save dialog) is not for the browser.
    const elsewhere = await exportCsv(join(outside, 'mio-export.csv'));
    expect(elsewhere.path).toBe(join(outside, 'mio-export.csv'));
    const r = await mint(elsewhere.exportId, f.clerk);
    expect(r.status).toBe(403);
    expect(JSON.parse(r.text).error.message).toMatch(/non si scarica dal browser/);

    // An export replaced by a symlink pointing out of the folder is refused too.
    const s = await exportCsv();
    const secret = join(outside, 'segreto.txt');
    writeFileSync(secret, 'dati riservati');
    rmSync(s.path);
    symlinkSync(secret, s.path);
    const sym = await mint(s.exportId, f.clerk);
    expect(sym.status).toBe(403);
    expect(sym.text).not.toContain('dati riservati');
  });

  it('builds Content-Disposition that no file name can break out of', () => {
    const h = contentDisposition('a"b\r\nSet-Cookie: x=1;/../..\\città.csv');
    expect(h).not.toMatch(/[\r\n]/);
    expect(h).toMatch(/^attachment; filename="[A-Za-z0-9._-]+"; filename\*=UTF-8''[^"\s;]+$/);
    expect(h).toContain("filename*=UTF-8''a%22b%0D%0ASet-Cookie%3A%20x%3D1%3B%2F..%2F..%5Ccitt%C3%A0.csv");
  });
});
