/**
 * Map, location picker and statistics in real Chromium, with no tile server reachable:
 * the markers, the picker and the notice must work over the plain background.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { saveMapSettings, DEFAULT_MAP_SETTINGS } from '../src-main/stats/geo';
import { login, startWorld, type E2EWorld } from './harness';

let w: E2EWorld;
beforeAll(async () => {
  w = await startWorld();
  // A tile server that refuses at once: the offline case, without waiting on DNS.
  saveMapSettings(w.core.services.db, {
    ...DEFAULT_MAP_SETTINGS,
    tileUrl: 'http://127.0.0.1:9/{z}/{x}/{y}.png',
    centerLat: 45.6983,
    centerLon: 9.6773,
    zoom: 14,
  });
});
afterAll(async () => {
  await w?.close();
});

const num = async (page: Page, label: string) =>
  Number(await page.getByLabel(label, { exact: true }).inputValue());

describe('map', () => {
  it('clicking and dragging on the form map sets Latitudine and Longitudine', async () => {
    const page = await w.newPage();
    await login(page, 'admin', 'admin123');
    await page.getByRole('link', { name: 'Nuova segnalazione' }).click();
    const map = page.getByRole('application', { name: /Mappa: fai clic/ });
    await map.scrollIntoViewIfNeeded();
    await expect.poll(() => map.locator('.leaflet-pane').count()).toBeGreaterThan(0);
    expect(await page.getByLabel('Latitudine', { exact: true }).inputValue()).toBe('');

    // A stradario entry near the map's centre: picking there fills the address in.
    const { importStreets } = await import('../src-main/stats/geo');
    importStreets(w.core.services.db, 'via;civico;lat;lon\nVia Borgo Palazzo;12;45.6984;9.6774\n', false);

    const box = (await map.boundingBox())!;
    await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
    await expect.poll(() => num(page, 'Latitudine')).not.toBe(0);
    await expect
      .poll(() => page.getByLabel('Indirizzo', { exact: true }).inputValue())
      .toBe('Via Borgo Palazzo 12');
    const lat1 = await num(page, 'Latitudine');
    const lon1 = await num(page, 'Longitudine');
    // The centre of the configured view, to a few metres.
    expect(lat1).toBeCloseTo(45.6983, 2);
    expect(lon1).toBeCloseTo(9.6773, 2);

    // Dragging the marker 80 px right and 60 px down moves east and south.
    const marker = map.locator('.pick-marker');
    const m = (await marker.boundingBox())!;
    await page.mouse.move(m.x + m.width / 2, m.y + m.height / 2);
    await page.mouse.down();
    await page.mouse.move(m.x + m.width / 2 + 40, m.y + m.height / 2 + 30, { steps: 5 });
    await page.mouse.move(m.x + m.width / 2 + 80, m.y + m.height / 2 + 60, { steps: 5 });
    await page.mouse.up();
    await expect.poll(() => num(page, 'Longitudine')).toBeGreaterThan(lon1);
    expect(await num(page, 'Latitudine')).toBeLessThan(lat1);

    // Typing coordinates moves the marker (no error), and the form saves them.
    await page.getByLabel('Titolo').fill('Panchina rotta nel parco');
    await page.getByLabel('Canale').selectOption('telefono');
    const lat2 = await num(page, 'Latitudine');
    const lon2 = await num(page, 'Longitudine');
    await page.getByRole('button', { name: 'Salva segnalazione' }).click();
    await page.getByTestId('report-code').waitFor();
    const row = w.core.services.db
      .prepare("SELECT lat, lon FROM reports WHERE title = 'Panchina rotta nel parco'")
      .get() as { lat: number; lon: number };
    expect(row.lat).toBeCloseTo(lat2, 6);
    expect(row.lon).toBeCloseTo(lon2, 6);
  });

  it("moving the point in the detail's edit panel updates the stored coordinates", async () => {
    const db = w.core.services.db;
    const r = db
      .prepare(
        "SELECT id, lat, lon, address FROM reports WHERE lat IS NOT NULL AND status <> 'chiuso' AND merged_into IS NULL ORDER BY created_at DESC LIMIT 1",
      )
      .get() as { id: string; lat: number; lon: number; address: string };
    const page = await w.newPage();
    await login(page, 'admin', 'admin123');
    await page.goto(`${w.host.url.split('#')[0]}#/segnalazioni/${r.id}`);
    await page.getByRole('button', { name: 'Modifica' }).click();
    const map = page.getByRole('application', { name: /Mappa: fai clic/ });
    await map.scrollIntoViewIfNeeded();
    // The picker opens on the report's own point.
    const marker = map.locator('.pick-marker');
    await marker.waitFor();
    expect(await num(page, 'Latitudine')).toBeCloseTo(r.lat, 6);

    const m = (await marker.boundingBox())!;
    await page.mouse.move(m.x + m.width / 2, m.y + m.height / 2);
    await page.mouse.down();
    await page.mouse.move(m.x + m.width / 2 - 30, m.y + m.height / 2 - 20, { steps: 5 });
    await page.mouse.move(m.x + m.width / 2 - 60, m.y + m.height / 2 - 40, { steps: 5 });
    await page.mouse.up();
    // West and north of where it was.
    await expect.poll(() => num(page, 'Longitudine')).toBeLessThan(r.lon);
    expect(await num(page, 'Latitudine')).toBeGreaterThan(r.lat);
    const lat2 = await num(page, 'Latitudine');
    const lon2 = await num(page, 'Longitudine');
    await page.getByRole('button', { name: 'Salva modifiche' }).click();
    await page.getByRole('button', { name: 'Modifica' }).waitFor();
    const after = db.prepare('SELECT lat, lon, address FROM reports WHERE id = ?').get(r.id) as {
      lat: number;
      lon: number;
      address: string;
    };
    expect(after.lat).toBeCloseTo(lat2, 6);
    expect(after.lon).toBeCloseTo(lon2, 6);
    // The address the report already had was typed by someone: the picker leaves it.
    expect(after.address).toBe(r.address);
    const log = db
      .prepare(
        "SELECT count(*) AS n FROM log_entries WHERE report_seq = (SELECT seq FROM reports WHERE id = ?) AND action = 'updated'",
      )
      .get(r.id) as { n: number };
    expect(log.n).toBeGreaterThan(0);
  });

  it('the list reports show on the map without tiles, with a notice', async () => {
    const page = await w.newPage();
    await login(page, 'admin', 'admin123');
    await page.getByRole('link', { name: 'Mappa' }).click();
    const expected = w.core.services.db
      .prepare(
        "SELECT count(*) AS n FROM reports WHERE lat IS NOT NULL AND lon IS NOT NULL AND status IN ('nuovo','in_gestione')",
      )
      .get() as { n: number };
    await expect
      .poll(() => page.getByTestId('map-count').textContent())
      .toContain(`${expected.n.toLocaleString('it-IT')} segnalazioni sulla mappa`);
    await page.getByText('Mappa di sfondo non disponibile').waitFor();
    // Clusters or single markers were painted on the map's canvas.
    await expect
      .poll(() =>
        page.evaluate(() => {
          const d = performance.getEntriesByName('map:draw').at(-1) as PerformanceMeasure | undefined;
          return (d?.detail as { shown?: number } | undefined)?.shown ?? 0;
        }),
      )
      .toBeGreaterThan(0);
    expect(await page.locator('.map canvas').count()).toBeGreaterThan(0);
  });

  it('clicking a report on the map opens it', async () => {
    const login1 = await w.core.call('auth.login', { username: 'admin', password: 'admin123' }, null);
    if (!login1.ok) throw new Error(login1.error.message);
    const session = (login1.value as { token: string }).token;
    const created = await w.core.call(
      'reports.create',
      {
        fields: {
          title: 'Fontanella zampillante quisquilia',
          channel: 'telefono',
          categoryId: null,
          lat: 45.7002,
          lon: 9.6711,
        },
      },
      session,
    );
    if (!created.ok) throw new Error(created.error.message);
    const page = await w.newPage();
    await login(page, 'admin', 'admin123');
    await page.getByRole('link', { name: 'Segnalazioni' }).first().click();
    await page.getByLabel('Cerca segnalazioni').fill('quisquilia');
    await page.getByLabel('Cerca segnalazioni').press('Enter');
    await page.getByRole('link', { name: 'Mappa' }).click();
    await expect.poll(() => page.getByTestId('map-count').textContent()).toMatch(/^\s*1 segnalazioni/);
    // One report: the map centres on it, so it is painted in the middle (once indexed).
    const map = page.getByRole('region', { name: 'Mappa delle segnalazioni' });
    await expect.poll(() => map.getAttribute('aria-busy')).toBe('false');
    const box = (await map.boundingBox())!;
    await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
    const heading = page.getByRole('heading', { name: 'Fontanella zampillante quisquilia' });
    await heading.waitFor();

    // The keyboard way: focus the map, Enter opens what is nearest its centre.
    await page.getByRole('link', { name: 'Mappa' }).click();
    await expect.poll(() => page.getByTestId('map-count').textContent()).toMatch(/^\s*1 segnalazioni/);
    await heading.waitFor({ state: 'detached' });
    await expect.poll(() => map.getAttribute('aria-busy')).toBe('false');
    await map.focus();
    await page.keyboard.press('Enter');
    await heading.waitFor();
  });

  it('the Statistiche screen shows the figures of the period', async () => {
    const page = await w.newPage();
    await login(page, 'admin', 'admin123');
    await page.getByRole('link', { name: 'Statistiche' }).click();
    await page.getByRole('button', { name: 'Tutto' }).click();
    const n = (w.core.services.db.prepare('SELECT count(*) AS n FROM reports').get() as { n: number }).n;
    await expect.poll(() => page.getByTestId('stats-total').textContent()).toBe(n.toLocaleString('it-IT'));
    expect(await page.locator('canvas').count()).toBeGreaterThanOrEqual(3);
  });

  it('an administrator sets the base map and imports the stradario from the settings', async () => {
    const page = await w.newPage();
    await login(page, 'admin', 'admin123');
    await page.goto(`${w.host.url.split('#')[0]}#/impostazioni/mappa`);
    const url = page.getByLabel('Indirizzo delle tessere');
    await expect.poll(() => url.inputValue()).toMatch(/\{z\}/);
    await url.fill('https://tiles.comune.example.it/{z}/{x}/{y}.png');
    await page.getByLabel('Attribuzione').fill('© Comune di Bergamo');
    await page.getByRole('button', { name: 'Salva' }).click();
    await page.getByText('Impostazioni della mappa salvate.').waitFor();
    const { getMapSettings } = await import('../src-main/stats/geo');
    expect(getMapSettings(w.core.services.db)).toMatchObject({
      tileUrl: 'https://tiles.comune.example.it/{z}/{x}/{y}.png',
      attribution: '© Comune di Bergamo',
    });
    await page.getByLabel('File dello stradario').setInputFiles({
      name: 'stradario.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(
        'via;civico;lat;lon\nVia Tasso;8;45,6955;9,6690\nVia Pignolo;12;45,6990;9,6720\nsenza;;;\n',
      ),
    });
    await page.getByText('Indirizzi importati: 2; righe scartate: 1.').waitFor();
    const hits = w.core.services.db
      .prepare("SELECT count(*) AS n FROM streets WHERE street = 'Via Tasso'")
      .get();
    expect(hits).toEqual({ n: 1 });
    // Put the defaults back for the other tests of this file.
    saveMapSettings(w.core.services.db, DEFAULT_MAP_SETTINGS);
  });
});
