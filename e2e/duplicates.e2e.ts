/**
 * Aggregation from the detail in real Chromium: a clerk sees the likely duplicate of a
 * report, merges the two choosing the main one, finds the merged report's reporter on
 * the main one and its code opening it, then separates them again.
 */
import AxeBuilder from '@axe-core/playwright';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReportDetail } from '../src-shared/api';
import { login, startWorld, type E2EWorld } from './harness';

let w: E2EWorld;
beforeAll(async () => {
  w = await startWorld();
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

async function api<T>(name: string, input: unknown, token: string): Promise<T> {
  const r = await w.core.call(name, input, token);
  if (!r.ok) throw new Error(`${name}: ${r.error.message}`);
  return r.value as T;
}

describe('Aggregazione dei duplicati', () => {
  it('from the detail: suggestion, «Aggrega» choosing the main report, codes, «Separa»', async () => {
    const token = (
      await api<{ token: string }>('auth.login', { username: 'lucia.verdi', password: 'demo1234' }, '')
    ).token;
    const dir = await api<{ categories: { id: string; parentId: string | null; name: string }[] }>(
      'directory.get',
      {},
      token,
    );
    const leaf = dir.categories.find((c) => c.parentId)!;
    // Outside the demo town: only these two are near each other.
    const place = (north: number) => ({ lat: 45.8 + north / 111_195, lon: 9.8 });
    const create = (title: string, north: number, nome: string) =>
      api<{ id: string; code: string }>(
        'reports.create',
        {
          fields: {
            title,
            categoryId: leaf.id,
            address: 'Via dei Boschi 3',
            ...place(north),
            channel: 'telefono',
          },
          reporters: [
            {
              reporterId: crypto.randomUUID(),
              newReporter: { nome, cognome: 'Duplicati', email: `${nome.toLowerCase()}@example.it` },
            },
          ],
        },
        token,
      );
    const main = await create('Segnalazione da tenere', 0, 'Adele');
    const dup = await create('La stessa cosa, segnalata di nuovo', 25, 'Bruno');

    const page = await w.newPage();
    await login(page, 'lucia.verdi', 'demo1234');
    const base = w.host.url.split('#')[0];
    await page.goto(`${base}#/segnalazioni/${dup.id}`);
    const panel = page.getByTestId('duplicates-panel');
    await panel.waitFor();
    const row = panel.locator(`[data-testid="duplicate-row"][data-code="${main.code}"]`);
    await expect.poll(() => row.textContent()).toContain('A 25 m');
    await axe(page, 'dettaglio con possibili duplicati');

    await row.getByRole('checkbox').check();
    await panel.getByRole('button', { name: 'Aggrega…' }).click();
    const dialog = page.getByTestId('merge-dialog');
    await dialog.waitFor();
    // The oldest is proposed as the main report.
    await expect.poll(() => dialog.getByRole('radio', { checked: true }).getAttribute('value')).toBe(main.id);
    await axe(page, 'finestra Aggrega');
    await dialog.getByRole('button', { name: 'Aggrega', exact: true }).click();

    // The main report opens, with the merged one and its reporter.
    await expect.poll(() => page.getByTestId('report-code').textContent()).toBe(main.code);
    const merged = page.getByTestId('merged-panel');
    await merged.locator(`[data-code="${dup.code}"]`).waitFor();
    await expect
      .poll(() => page.locator('section[aria-labelledby="sec-rep"]').textContent())
      .toContain('Bruno');
    // Its reporter is marked as coming from the merged report (changed there, after «Separa»).
    expect(await page.locator('section[aria-labelledby="sec-rep"]').textContent()).toContain(
      `dalla ${dup.code}`,
    );
    const stored = await api<ReportDetail>('reports.get', { id: dup.id }, token);
    expect(stored.status).toBe('aggregata');
    expect(stored.mergedInto).toBe(main.id);

    // "Vai al codice" with the merged code opens the main report.
    await page.goto(`${base}#/segnalazioni`);
    await page.getByLabel('Vai al codice').fill(dup.code);
    await page.getByLabel('Vai al codice').press('Enter');
    await expect.poll(() => page.getByTestId('report-code').textContent()).toBe(main.code);

    // The merged report: badge, link to the main one, «Separa».
    await page.goto(`${base}#/segnalazioni/${dup.id}`);
    const banner = page.getByTestId('merged-banner');
    await banner.waitFor();
    await expect.poll(() => page.getByTestId('report-status').textContent()).toBe('Aggregata');
    expect(await banner.getByRole('link', { name: main.code }).getAttribute('href')).toBe(
      `#/segnalazioni/${main.id}`,
    );
    await axe(page, 'segnalazione aggregata');
    await banner.getByRole('button', { name: 'Separa' }).click();
    await expect.poll(() => page.getByTestId('report-status').textContent()).toBe('Nuovo');
    await expect.poll(() => banner.count()).toBe(0);
    const back = await api<ReportDetail>('reports.get', { id: main.id }, token);
    expect(back.merged).toEqual([]);
    expect(back.reporters.map((r) => r.nome)).toEqual(['Adele']);
  });

  it('while entering: «Possibili duplicati» and «Aggrega a questa», saved and merged in one go', async () => {
    const token = (
      await api<{ token: string }>('auth.login', { username: 'lucia.verdi', password: 'demo1234' }, '')
    ).token;
    const dir = await api<{ categories: { id: string; parentId: string | null; name: string }[] }>(
      'directory.get',
      {},
      token,
    );
    const buca = dir.categories.find((c) => c.name === 'Buca' && c.parentId)!;
    const existing = await api<{ id: string; code: string }>(
      'reports.create',
      {
        fields: {
          title: 'Buca sulla provinciale',
          categoryId: buca.id,
          address: 'Via dei Prati',
          lat: 45.81,
          lon: 9.81,
          channel: 'telefono',
        },
      },
      token,
    );

    const page = await w.newPage();
    await login(page, 'lucia.verdi', 'demo1234');
    await page.getByRole('link', { name: 'Nuova segnalazione' }).click();
    await page.getByLabel('Titolo').fill('Ancora la buca sulla provinciale');
    await page.getByLabel('Categoria', { exact: true }).selectOption({ label: 'Strada' });
    await page.getByLabel('Sottocategoria').selectOption({ label: 'Buca' });
    await page.getByLabel('Latitudine').fill('45.8101');
    await page.getByLabel('Longitudine').fill('9.81');
    const box = page.getByTestId('new-report-duplicates');
    const row = box.locator(`[data-testid="duplicate-row"][data-code="${existing.code}"]`);
    await row.waitFor();
    await expect.poll(() => row.textContent()).toContain('A 11 m');
    await axe(page, 'nuova segnalazione con possibili duplicati');
    await row.getByRole('button', { name: 'Aggrega a questa' }).click();
    await expect.poll(() => page.getByTestId('merge-on-save').textContent()).toContain(existing.code);
    await page.getByRole('button', { name: 'Salva segnalazione' }).click();

    await expect.poll(() => page.getByTestId('report-code').textContent()).toBe(existing.code);
    await page.getByTestId('merged-panel').locator('[data-testid="merged-row"]').waitFor();
    const main = await api<ReportDetail>('reports.get', { id: existing.id }, token);
    expect(main.merged.map((m) => m.title)).toEqual(['Ancora la buca sulla provinciale']);
  });
});
