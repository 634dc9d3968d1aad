import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestWorld, type TestWorld } from '../testing/test-core';
import { importStreets, reverseGeocode } from './geo';

let w: TestWorld;
beforeEach(async () => {
  w = await createTestWorld();
  importStreets(
    w.core.services.db,
    'via;civico;lat;lon\nVia Gombito;1;45.70360;9.66300\nVia Gombito;3;45.70372;9.66280\nPiazza Vecchia;;45.70370;9.66230\n',
    true,
  );
});
afterEach(() => w.cleanup());

describe('reverse geocoding', () => {
  it('names the nearest address of the stradario within 150 m', async () => {
    const db = w.core.services.db;
    // 10 m east of Via Gombito 3.
    expect(await reverseGeocode(db, 45.70372, 9.66293, '')).toMatchObject({
      label: 'Via Gombito 3',
      source: 'stradario',
    });
    expect(await reverseGeocode(db, 45.7037, 9.66232, '')).toMatchObject({ label: 'Piazza Vecchia' });
    // 1 km away and no geocoder configured: nothing, and no network call.
    expect(await reverseGeocode(db, 45.6945, 9.6706, '')).toBeNull();
  });

  it('falls back to a Nominatim-compatible geocoder only when one is configured', async () => {
    const seen: string[] = [];
    const srv = createServer((req, res) => {
      seen.push(req.url ?? '');
      res.setHeader('content-type', 'application/json');
      res.end(
        JSON.stringify({
          display_name: 'x',
          address: { road: 'Viale Papa Giovanni XXIII', house_number: '57' },
        }),
      );
    });
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
    const url = `http://127.0.0.1:${(srv.address() as AddressInfo).port}/search`;
    try {
      const hit = await reverseGeocode(w.core.services.db, 45.6945, 9.6706, url);
      expect(hit).toMatchObject({ label: 'Viale Papa Giovanni XXIII 57', source: 'geocoder' });
      expect(seen[0]).toMatch(/^\/reverse\?lat=45\.6945&lon=9\.6706&format=jsonv2$/);
    } finally {
      srv.close();
    }
  });
});
