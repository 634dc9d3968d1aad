/** Street list, map points and the tile cache, through the API on a real SQLite file. */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildFixture, type Fixture } from '../testing/fixtures';
import { createTestWorld, type TestWorld } from '../testing/test-core';
import { DEFAULT_MAP_SETTINGS, tileUrl } from './geo';

let w: TestWorld;
let f: Fixture;
beforeEach(async () => {
  w = await createTestWorld();
  f = await buildFixture(w);
});
afterEach(() => w.cleanup());

const STRADARIO = [
  '\uFEFFVia;Civico;Lat;Lon',
  'Via Giuseppe Verdi;12;45,6983;9,6773',
  'Via Giuseppe Verdi;14;45,6985;9,6776',
  'Piazza della Libertà;3;45,6950;9,6700',
  'Viale Città di Mantova;1/A;45,7001;9,6612',
  'Senza coordinate;1;;',
].join('\r\n');

describe('offline street list', () => {
  it('imports a stradario CSV and finds addresses without network', async () => {
    const r = await w.ok<{ imported: number; skipped: number }>(
      'geo.streets.import',
      { csv: STRADARIO },
      f.admin,
    );
    expect(r).toMatchObject({ imported: 4, skipped: 1 });
    const hits = await w.ok<{ label: string; lat: number; lon: number }[]>(
      'geo.search',
      { q: 'via giuseppe verdi 1' },
      f.clerk,
    );
    expect(hits.map((h) => h.label)).toEqual(['Via Giuseppe Verdi 12', 'Via Giuseppe Verdi 14']);
    expect(hits[0]).toMatchObject({ lat: 45.6983, lon: 9.6773, source: 'stradario' });
    // Accents folded, words anywhere.
    const lib = await w.ok<{ label: string }[]>('geo.search', { q: 'liberta' }, f.clerk);
    expect(lib.map((h) => h.label)).toEqual(['Piazza della Libertà 3']);
    expect((await w.ok<unknown[]>('geo.search', { q: 'mantova 1/a' }, f.clerk)).length).toBe(1);
    const refused = await w.core.call('geo.streets.import', { csv: STRADARIO }, f.clerk);
    expect(refused.ok).toBe(false);
  });
});

describe('map points', () => {
  it('returns the filtered, visible reports with coordinates', async () => {
    const mk = (title: string, lat: number | null) =>
      w.ok<{ id: string }>(
        'reports.create',
        { fields: { title, categoryId: null, channel: 'web', lat, lon: lat ? 9.6 : null } },
        f.clerk,
      );
    const a = await mk('Con coordinate', 45.7);
    await mk('Senza coordinate', null);
    const out = await w.ok<{ points: [string, number, number, number][]; withoutPlace: number }>(
      'map.points',
      {},
      f.clerk,
    );
    expect(out.points).toEqual([[a.id, 45.7, 9.6, 0]]);
    expect(out.withoutPlace).toBe(1);
    const sup = await w.ok<{ points: unknown[] }>('map.points', {}, f.supplier);
    expect(sup.points).toEqual([]);
  });
});

describe('tiles', () => {
  let server: Server;
  let hits = 0;
  beforeEach(async () => {
    hits = 0;
    server = createServer((req, res) => {
      hits++;
      res.writeHead(200, { 'Content-Type': 'image/png' });
      res.end(Buffer.from([0x89, 0x50, 0x4e, 0x47, ...Buffer.from(req.url ?? '')]));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  });
  afterEach(() => new Promise<void>((r) => server.close(() => r())));

  it('fetches a tile once, then answers from the cache (offline too)', async () => {
    const port = (server.address() as AddressInfo).port;
    await w.ok(
      'map.settings.save',
      { ...DEFAULT_MAP_SETTINGS, tileUrl: `http://127.0.0.1:${port}/t/{z}/{x}/{y}.png` },
      f.admin,
    );
    const t1 = await w.ok<{ dataBase64: string; cached: boolean }>('map.tile', { z: 3, x: 4, y: 2 }, f.clerk);
    expect(t1.cached).toBe(false);
    expect(Buffer.from(t1.dataBase64, 'base64').subarray(4).toString()).toBe('/t/3/4/2.png');
    await new Promise<void>((r) => server.close(() => r()));
    const t2 = await w.ok<{ dataBase64: string; cached: boolean }>('map.tile', { z: 3, x: 4, y: 2 }, f.clerk);
    expect(t2).toEqual({ ...t1, cached: true });
    expect(hits).toBe(1);
    const missing = await w.core.call('map.tile', { z: 3, x: 5, y: 2 }, f.clerk);
    expect(missing.ok).toBe(false);
    server.listen(0, '127.0.0.1');
  });

  it('builds WMS GetMap requests in EPSG:3857', () => {
    const u = new URL(
      tileUrl(
        { ...DEFAULT_MAP_SETTINGS, kind: 'wms', tileUrl: 'https://sit.comune.it/wms', wmsLayers: 'ortofoto' },
        1,
        0,
        0,
      ),
    );
    expect(u.searchParams.get('REQUEST')).toBe('GetMap');
    expect(u.searchParams.get('LAYERS')).toBe('ortofoto');
    expect(u.searchParams.get('BBOX')).toBe('-20037508.34,0.00,0.00,20037508.34');
  });
});
