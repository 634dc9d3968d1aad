/**
 * Impostazioni → Automazioni in real Chromium: an administrator writes the rule
 * "Strada > Buca → assegna a Lucia Verdi e metti in gestione", limited to an area drawn
 * on the map, and the next report typed at the desk inside it is assigned and in charge.
 * No tile server is reachable: drawing works over the plain background.
 */
import AxeBuilder from '@axe-core/playwright';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReportDetail } from '../src-shared/api';
import { DEFAULT_MAP_SETTINGS, saveMapSettings } from '../src-main/stats/geo';
import { login, startWorld, type E2EWorld } from './harness';

let w: E2EWorld;
beforeAll(async () => {
  w = await startWorld();
  saveMapSettings(w.core.services.db, {
    ...DEFAULT_MAP_SETTINGS,
    tileUrl: 'http://127.0.0.1:9/{z}/{x}/{y}.png',
    centerLat: 45.6983,
    centerLon: 9.6773,
    zoom: 15,
  });
});
afterAll(async () => {
  await w?.close();
});

async function axe(page: Page, what: string) {
  const result = await new AxeBuilder({ page }).analyze();
  const serious = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(
    serious.map((v) => `${what}: ${v.id} (${v.impact}) ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`),
  ).toEqual([]);
}

type Stored = { name: string; conditions: string; actions: string; sort_order: number };
const storedRules = () =>
  w.core.services.db.prepare('SELECT * FROM automation_rules ORDER BY sort_order').all() as Stored[];

describe('Automazioni', () => {
  it('an administrator draws the rule on the map; a new Buca inside the area goes to Lucia Verdi, in charge', async () => {
    const page = await w.newPage();
    await login(page, 'admin', 'admin123');
    await page.goto(`${w.host.url.split('#')[0]}#/impostazioni/automazioni`);
    await page.getByRole('heading', { name: 'Automazioni' }).waitFor();
    await page.getByText('Nessuna regola.').waitFor();

    await page.getByRole('button', { name: 'Nuova regola' }).click();
    // Without a name the mutation's Italian message shows in the form.
    await page.getByRole('button', { name: 'Salva regola' }).click();
    await expect
      .poll(() => page.locator('.rule-form [role="alert"]').textContent())
      .toContain('Dai un nome alla regola.');

    await page.getByLabel('Nome della regola').fill('Buche a Lucia');
    await page.getByLabel('Descrizione della regola').fill('Le buche del centro vanno all’Ufficio Strade.');
    await page.getByLabel('Strada › Buca').check();
    await page.getByLabel('Solo dentro un’area disegnata sulla mappa').check();
    const map = page.getByRole('application', { name: /Mappa dell’area/ });
    await map.scrollIntoViewIfNeeded();
    await expect.poll(() => map.locator('.leaflet-pane').count()).toBeGreaterThan(0);
    const box = (await map.boundingBox())!;
    let cx = box.x + box.width / 2;
    let cy = box.y + box.height / 2;
    // Two points only, then save: the schema's message, in Italian.
    await page.mouse.click(cx - 120, cy - 90);
    await page.mouse.click(cx + 120, cy - 90);
    await expect.poll(() => page.getByTestId('area-count').textContent()).toContain('ne servono almeno 3');
    await page.getByLabel('Lucia Verdi').check();
    await page.getByLabel('Metti subito in gestione').check();
    await page.getByRole('button', { name: 'Salva regola' }).click();
    await expect
      .poll(() => page.locator('.rule-form [role="alert"]').textContent())
      .toContain('L’area sulla mappa deve avere almeno 3 punti.');
    // Beside the map too.
    await expect
      .poll(() => page.getByTestId('area-error').textContent())
      .toBe('L’area sulla mappa deve avere almeno 3 punti.');
    expect(storedRules()).toEqual([]);

    // Two more corners close the area around the map's centre (the message above moved the map).
    await map.scrollIntoViewIfNeeded();
    const box2 = (await map.boundingBox())!;
    cx = box2.x + box2.width / 2;
    cy = box2.y + box2.height / 2;
    await page.mouse.click(cx + 120, cy + 90);
    await page.mouse.click(cx - 120, cy + 90);
    await expect.poll(() => page.getByTestId('area-count').textContent()).toBe('Area di 4 punti.');
    await expect.poll(() => map.locator('.area-vertex').count()).toBe(4);
    // Drag the last corner 40 px further down-left: the area grows south-west.
    const v = (await map.locator('.area-vertex').nth(3).boundingBox())!;
    await page.mouse.move(v.x + v.width / 2, v.y + v.height / 2);
    await page.mouse.down();
    await page.mouse.move(v.x + v.width / 2 - 20, v.y + v.height / 2 + 20, { steps: 4 });
    await page.mouse.move(v.x + v.width / 2 - 40, v.y + v.height / 2 + 40, { steps: 4 });
    await page.mouse.up();
    await expect(await map.locator('path.leaflet-interactive, path').count()).toBeGreaterThan(0);
    await axe(page, 'regola con mappa');
    await page.getByRole('button', { name: 'Salva regola' }).click();
    await page.getByText('Regola «Buche a Lucia» salvata.').waitFor();

    const [rule] = storedRules();
    expect(rule!.name).toBe('Buche a Lucia');
    const area = JSON.parse(rule!.conditions).area as [number, number][];
    expect(area).toHaveLength(4);
    // Corners around the centre (45.6983, 9.6773); the dragged one lies south-west of its neighbours.
    expect(Math.min(...area.map((p) => p[0]))).toBeLessThan(45.6983);
    expect(Math.max(...area.map((p) => p[0]))).toBeGreaterThan(45.6983);
    expect(Math.min(...area.map((p) => p[1]))).toBeLessThan(9.6773);
    expect(Math.max(...area.map((p) => p[1]))).toBeGreaterThan(9.6773);
    expect(area[3]![0]).toBeLessThan(area[2]![0]);
    expect(area[3]![1]).toBeLessThan(area[0]![1]);
    const actions = JSON.parse(rule!.actions) as { assignUserIds: string[]; takeInCharge: boolean };
    expect(actions.takeInCharge).toBe(true);
    const lucia = w.core.services.db.prepare("SELECT id FROM users WHERE username = 'lucia.verdi'").get() as {
      id: string;
    };
    expect(actions.assignUserIds).toEqual([lucia.id]);
    // The list reads the rule back.
    await expect
      .poll(() => page.locator('.rules').textContent())
      .toContain(
        'SE categoria Strada › Buca e nell’area disegnata (4 punti) ALLORA assegna a Lucia Verdi, metti in gestione',
      );
    await axe(page, 'lista delle regole');

    // A Buca typed at the desk, placed at the centre of the map: inside the area.
    await page.getByRole('link', { name: 'Nuova segnalazione' }).click();
    await page.getByLabel('Titolo').fill('Buca davanti alla scuola Rodari, prova della regola');
    await page.getByLabel('Categoria', { exact: true }).selectOption({ label: 'Strada' });
    await page.getByLabel('Sottocategoria').selectOption({ label: 'Buca' });
    await page.getByLabel('Canale').selectOption('telefono');
    const pick = page.getByRole('application', { name: /Mappa: fai clic/ });
    await pick.scrollIntoViewIfNeeded();
    await expect.poll(() => pick.locator('.leaflet-pane').count()).toBeGreaterThan(0);
    const pb = (await pick.boundingBox())!;
    await page.mouse.click(pb.x + pb.width / 2, pb.y + pb.height / 2);
    await expect
      .poll(async () => Number(await page.getByLabel('Latitudine', { exact: true }).inputValue()))
      .not.toBe(0);
    await page.getByRole('button', { name: 'Salva segnalazione' }).click();
    await page.getByTestId('report-code').waitFor();
    await expect.poll(() => page.getByTestId('report-status').textContent()).toMatch(/In gestione/);
    await expect.poll(() => page.getByText('Lucia Verdi').count()).toBeGreaterThan(0);
    // The Registro says the rule did it, by name.
    await expect
      .poll(() => page.getByTestId('log-entry').filter({ hasText: 'Regola «Buche a Lucia»' }).count())
      .toBe(2);

    // The detail opened at #/segnalazioni/<id>.
    const id = decodeURIComponent(page.url().split('#/segnalazioni/')[1] ?? '');
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    const token = await adminToken();
    const d = await call<ReportDetail>('reports.get', { id }, token);
    expect(d.assignments.map((a) => a.name)).toEqual(['Lucia Verdi']);
    expect(d.log.filter((e) => e.data?.byRule === 'Buche a Lucia').map((e) => e.action)).toEqual([
      'assigned',
      'status_changed',
    ]);

    // The same Buca far outside the area: the rule stays silent.
    const out = await call<{ id: string }>(
      'reports.create',
      {
        fields: {
          title: 'Buca in periferia',
          channel: 'telefono',
          categoryId: d.categoryId,
          lat: 45.66,
          lon: 9.62,
        },
      },
      token,
    );
    const o = await call<ReportDetail>('reports.get', { id: out.id }, token);
    expect(o.status).toBe('nuovo');
    expect(o.assignments).toEqual([]);
  });

  it('rules are reordered with the arrows, edited (errors beside their fields, "anche quando cambia") and switched off', async () => {
    const token = await adminToken();
    await call(
      'automations.save',
      { name: 'Seconda', sortOrder: 500, conditions: {}, actions: { priority: 'alta' } },
      token,
    );
    const page = await w.newPage();
    await login(page, 'admin', 'admin123');
    await page.goto(`${w.host.url.split('#')[0]}#/impostazioni/automazioni`);
    await page.getByRole('button', { name: 'Sposta su «Seconda»' }).click();
    await page.getByText('Regola «Seconda» spostata su.').waitFor();
    expect(storedRules().map((r) => r.name)).toEqual(['Seconda', 'Buche a Lucia']);
    // Edit it: a bad email domain is refused beside its field, then "anche quando cambia".
    await page.getByRole('button', { name: 'Modifica «Seconda»' }).click();
    await page.getByLabel('Dominio email del segnalatore').fill('non è un dominio');
    await page.getByRole('button', { name: 'Salva regola' }).click();
    await page.locator('#rule-domains-err').getByText('Dominio email non valido').waitFor();
    await page.getByLabel('Dominio email del segnalatore').fill('@Comune.Bergamo.it');
    await page.getByLabel('Anche quando la segnalazione cambia').check();
    await page.getByRole('button', { name: 'Salva regola' }).click();
    await page.getByText('Regola «Seconda» salvata.').waitFor();
    const seconda = w.core.services.db
      .prepare("SELECT on_update, conditions FROM automation_rules WHERE name = 'Seconda'")
      .get() as { on_update: number; conditions: string };
    expect(seconda.on_update).toBe(1);
    expect(JSON.parse(seconda.conditions).emailDomains).toEqual(['comune.bergamo.it']);
    await page.getByLabel('Regola «Seconda» attiva').uncheck();
    await page.getByText('Regola «Seconda» disattivata.').waitFor();
    const active = w.core.services.db
      .prepare("SELECT active FROM automation_rules WHERE name = 'Seconda'")
      .get();
    expect(active).toEqual({ active: 0 });
  });

  it('an area can be drawn with the keyboard alone: pan with the arrows, add the centre', async () => {
    const page = await w.newPage();
    await login(page, 'admin', 'admin123');
    await page.goto(`${w.host.url.split('#')[0]}#/impostazioni/automazioni`);
    await page.getByRole('button', { name: 'Nuova regola' }).click();
    await page.getByLabel('Nome della regola').fill('Area da tastiera');
    await page.getByLabel('Solo dentro un’area disegnata sulla mappa').check();
    const map = page.getByRole('application', { name: /Mappa dell’area/ });
    await expect.poll(() => map.locator('.leaflet-pane').count()).toBeGreaterThan(0);
    const addCentre = page.getByRole('button', { name: 'Aggiungi un punto al centro della mappa' });
    await addCentre.click();
    await map.focus();
    for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowRight');
    // Leaflet pans with a short animation.
    await page.waitForTimeout(700);
    await addCentre.click();
    await map.focus();
    for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowDown');
    await page.waitForTimeout(700);
    await addCentre.click();
    await expect.poll(() => page.getByTestId('area-count').textContent()).toBe('Area di 3 punti.');
    await page.getByLabel('Metti subito in gestione').check();
    await page.getByRole('button', { name: 'Salva regola' }).click();
    await page.getByText('Regola «Area da tastiera» salvata.').waitFor();
    const row = w.core.services.db
      .prepare("SELECT conditions FROM automation_rules WHERE name = 'Area da tastiera'")
      .get() as { conditions: string };
    const [a, b, c] = JSON.parse(row.conditions).area as [number, number][];
    // East, then south of the first point.
    expect(b![1]).toBeGreaterThan(a![1]);
    expect(c![0]).toBeLessThan(b![0]);
  });

  it('a clerk cannot list or save rules', async () => {
    const clerk = await tokenOf('mario.rossi', 'demo1234');
    const res = await w.core.call('automations.list', {}, clerk);
    expect(res).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    const save = await w.core.call(
      'automations.save',
      { name: 'Di nascosto', conditions: {}, actions: { takeInCharge: true } },
      clerk,
    );
    expect(save).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(storedRules().map((r) => r.name)).not.toContain('Di nascosto');
  });
});

async function tokenOf(username: string, password: string): Promise<string> {
  const r = await w.core.call('auth.login', { username, password }, null);
  if (!r.ok) throw new Error(r.error.message);
  return (r.value as { token: string }).token;
}
const adminToken = () => tokenOf('admin', 'admin123');

async function call<T = unknown>(name: string, input: unknown, token: string): Promise<T> {
  const r = await w.core.call(name, input, token);
  if (!r.ok) throw new Error(`${name}: ${r.error.message}`);
  return r.value as T;
}
