import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createCore } from '../core/create-core';
import { main } from './main';

let dir: string;
let out = '';
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'sportello-geo-'));
  out = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((s) => ((out += String(s)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
});
afterEach(() => {
  vi.restoreAllMocks();
  rmSync(dir, { recursive: true, force: true });
});

describe('sportello geo import-streets', () => {
  it('imports a stradario with Italian decimals; the addresses then autocomplete offline', async () => {
    const csv = join(dir, 'stradario.csv');
    writeFileSync(
      csv,
      'denominazione;civico;lat;lon\nVia Gombito;1;45,7036;9,6630\nVia Gombito;3;45,7037;9,6628\nPiazza Vecchia;;45,7037;9,6623\nRiga rotta;;;\n',
    );
    expect(await main(['geo', 'import-streets', csv, '--data-dir', dir])).toBe(0);
    expect(out).toMatch(/Indirizzi importati: 3/);
    const core = await createCore({ dataDir: dir });
    try {
      const s = await core.call(
        'setup.createAdmin',
        { username: 'admin', fullName: 'Admin', password: 'password-admin' },
        null,
      );
      const token = (s as { ok: true; value: { token: string } }).value.token;
      const hits = await core.call('geo.search', { q: 'gombito 3' }, token);
      expect(hits.ok).toBe(true);
      const list = (hits as { ok: true; value: { label: string; lat: number; lon: number }[] }).value;
      expect(list[0]).toMatchObject({ lat: 45.7037, lon: 9.6628 });
      expect(list[0]!.label).toMatch(/Gombito.*3/);
    } finally {
      core.close();
    }
  });
});
