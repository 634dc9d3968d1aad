/** Remote images fetched by the core for the sandboxed frame: images only, limited, public only. */
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchRemoteImage, fetchRemoteImages } from './remote-images';

const GIF = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');
let server: Server;
let base: string;
const hits: string[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    hits.push(req.url ?? '');
    if (req.url === '/p.gif') {
      res.writeHead(200, { 'content-type': 'image/gif' });
      return res.end(GIF);
    }
    if (req.url === '/big.png') {
      res.writeHead(200, { 'content-type': 'image/png' });
      return res.end(Buffer.alloc(5000));
    }
    if (req.url === '/page.html') {
      res.writeHead(200, { 'content-type': 'text/html' });
      return res.end('<script>alert(1)</script>');
    }
    if (req.url === '/redirect') {
      res.writeHead(302, { location: '/p.gif' });
      return res.end();
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe('remote images', () => {
  it('an image comes back as a data: URL; pages, oversized files, redirects and 404s do not', async () => {
    const o = { allowPrivate: true, maxBytes: 4096 };
    expect(await fetchRemoteImage(`${base}/p.gif`, o)).toBe(
      `data:image/gif;base64,${GIF.toString('base64')}`,
    );
    expect(await fetchRemoteImage(`${base}/page.html`, o)).toBeNull();
    expect(await fetchRemoteImage(`${base}/big.png`, o)).toBeNull();
    expect(await fetchRemoteImage(`${base}/redirect`, o)).toBeNull();
    expect(await fetchRemoteImage(`${base}/missing.gif`, o)).toBeNull();
    expect(await fetchRemoteImage('javascript:alert(1)', o)).toBeNull();
    expect(await fetchRemoteImage('file:///etc/passwd', o)).toBeNull();
    const many = await fetchRemoteImages([`${base}/p.gif`, `${base}/p.gif`, `${base}/page.html`], o);
    expect(many.map((m) => m.dataUrl !== null)).toEqual([true, false]);
  });

  it('never fetches from loopback or private addresses for a real message', async () => {
    const before = hits.length;
    expect(await fetchRemoteImage(`${base}/p.gif`)).toBeNull();
    expect(await fetchRemoteImage('http://localhost:9/p.gif')).toBeNull();
    expect(await fetchRemoteImage('http://[::1]:9/p.gif')).toBeNull();
    expect(await fetchRemoteImage('http://192.168.1.1/p.gif')).toBeNull();
    expect(hits.length).toBe(before);
  });
});
