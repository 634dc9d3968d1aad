/**
 * The URP desk's day in real Chromium: log in, enter a phone report for a citizen,
 * find it by words (with and without accents) and by code, take it in charge, assign
 * it, mention a colleague in the log, close it, reopen it; then a supplier sees only
 * what was given to it. axe-core checks list, form and detail.
 */
import AxeBuilder from '@axe-core/playwright';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
  // The check really ran over the page.
  expect(result.passes.length).toBeGreaterThan(5);
}

describe('desk workflow', () => {
  let code = '';

  it('a clerk enters a phone report for a citizen and finds it again', async () => {
    const page = await w.newPage();
    await login(page, 'mario.rossi', 'demo1234');

    await page.getByRole('link', { name: 'Segnalazioni' }).click();
    await page.getByTestId('report-row').first().waitFor();
    await axe(page, 'lista');

    await page.getByRole('link', { name: 'Nuova segnalazione' }).click();
    await page.getByLabel('Titolo').fill('Tombino divelto in piazza della Libertà');
    await page
      .getByLabel('Descrizione')
      .fill('Il tombino è uscito dalla sede: pericolo per le biciclette, città in ansia.');
    await page.getByLabel('Categoria', { exact: true }).selectOption({ label: 'Strada' });
    await page.getByLabel('Sottocategoria').selectOption({ label: 'Buca' });
    await page.getByLabel('Indirizzo', { exact: true }).fill('Piazza della Libertà 3, Bergamo');
    await page.getByLabel('Canale').selectOption('telefono');
    await page.getByRole('button', { name: 'Nuovo segnalatore' }).click();
    await page.getByLabel('Nome', { exact: true }).fill('Ermenegildo');
    await page.getByLabel('Cognome').fill('Zanchì');
    await page.getByLabel('Email').fill('ermenegildo.zanchi@example.it');
    await page.getByLabel('Telefono').fill('035 555 0101');
    await axe(page, 'form');
    await page.getByRole('button', { name: 'Salva segnalazione' }).click();

    const codeEl = page.getByTestId('report-code');
    await codeEl.waitFor();
    code = ((await codeEl.textContent()) ?? '').trim().match(/\d{4}-\d{6}/)?.[0] ?? '';
    expect(code).toMatch(/^\d{4}-\d{6}$/);
    await expect.poll(() => page.getByTestId('report-status').textContent()).toMatch(/Nuovo/);
    await axe(page, 'dettaglio');

    // Search by words, with and without accents; the citizen's name works too.
    await page.getByRole('link', { name: 'Segnalazioni' }).click();
    for (const q of ['liberta tombino', 'libertà', 'zanchi', 'Zanchì ermenegildo']) {
      await page.getByLabel('Cerca segnalazioni').fill(q);
      // Exactly one row: the new report (the list settles after the debounce).
      await expect
        .poll(
          async () =>
            (await page.getByTestId('report-row').allTextContents()).map((t) => t.match(/\d{4}-\d{6}/)?.[0]),
          {
            timeout: 10_000,
            message: q,
          },
        )
        .toEqual([code]);
    }
    await page.close();
  });

  it('opens it by code, takes it in charge, assigns it, discusses it, closes and reopens it', async () => {
    const page = await w.newPage();
    await login(page, 'mario.rossi', 'demo1234');

    // Ctrl+K focuses "Vai al codice".
    await page.keyboard.press('Control+k');
    await expect
      .poll(() =>
        page.evaluate(
          () =>
            document.activeElement?.getAttribute('aria-label') ??
            (document.activeElement as HTMLInputElement | null)?.labels?.[0]?.textContent ??
            '',
        ),
      )
      .toMatch(/Vai al codice/);
    await page.keyboard.type(code.replace(/-0+/, '-'));
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByTestId('report-code').textContent()).toContain(code);

    await page.getByRole('button', { name: 'Prendi in gestione' }).click();
    await expect.poll(() => page.getByTestId('report-status').textContent()).toMatch(/In gestione/);

    await page.getByLabel('Assegna a').selectOption({ label: 'Lucia Verdi' });
    await page.getByRole('button', { name: 'Assegna', exact: true }).click();
    await expect
      .poll(() => page.getByTestId('log-entry').allTextContents())
      .toEqual(expect.arrayContaining([expect.stringMatching(/Lucia Verdi/)]));

    const note = page.getByLabel('Nota interna');
    await note.click();
    await note.pressSequentially('Sopralluogo domattina @luc');
    await page
      .getByRole('option', { name: /Lucia Verdi/ })
      .first()
      .waitFor();
    await page.keyboard.press('Enter');
    await expect.poll(() => note.inputValue()).toMatch(/@lucia\.verdi/);
    await page.getByRole('button', { name: 'Aggiungi nota' }).click();
    await expect
      .poll(async () => (await page.getByTestId('log-entry').allTextContents()).join('|'))
      .toMatch(/Sopralluogo domattina @lucia\.verdi/);

    await page.getByRole('button', { name: 'Chiudi', exact: true }).click();
    await page.getByLabel('Esito').selectOption({ label: 'Positivo' });
    await page.getByLabel('Nota di chiusura').fill('Tombino rimesso in sede e fissato.');
    await page.getByRole('button', { name: 'Conferma chiusura' }).click();
    await expect.poll(() => page.getByTestId('report-status').textContent()).toMatch(/Chiuso/);

    await page.getByRole('button', { name: 'Riapri' }).click();
    const confirm = page.getByRole('button', { name: /Conferma riapertura|Riapri segnalazione/ });
    if (await confirm.count()) await confirm.first().click();
    await expect.poll(() => page.getByTestId('report-status').textContent()).toMatch(/In gestione/);

    // The whole story is in the Registro, with the mention stored as a mention.
    const d = (await w.core.services.db
      .prepare(
        'SELECT l.action, l.mentions FROM log_entries l JOIN reports r ON r.seq = l.report_seq WHERE r.code = ? ORDER BY l.id',
      )
      .all(code)) as { action: string; mentions: string | null }[];
    expect(d.map((x) => x.action)).toEqual([
      'created',
      'status_changed',
      'assigned',
      'note',
      'closed',
      'reopened',
    ]);
    const lucia = w.core.services.db.prepare("SELECT id FROM users WHERE username = 'lucia.verdi'").get() as {
      id: string;
    };
    expect(JSON.parse(d[3]!.mentions!)).toEqual([lucia.id]);
    await page.close();
  });

  it('a supplier logs in and sees only reports assigned to it or its groups', async () => {
    const page = await w.newPage();
    await login(page, 'ditta.asfalti', 'demo1234');
    await page.getByRole('link', { name: 'Segnalazioni' }).click();
    await page.getByTestId('report-row').first().waitFor();
    // Show every status, then compare with what the database says is assigned to it.
    for (const s of ['Nuovo', 'In gestione', 'Chiuso']) await page.getByLabel(s, { exact: true }).check();
    const db = w.core.services.db;
    const supplier = db.prepare("SELECT id FROM users WHERE username = 'ditta.asfalti'").get() as {
      id: string;
    };
    const expected = (
      db
        .prepare(
          `SELECT DISTINCT r.code FROM reports r JOIN report_assignments a ON a.report_seq = r.seq
         WHERE (a.kind = 'user' AND a.assignee_id = ?) OR (a.kind = 'group' AND a.assignee_id IN (SELECT group_id FROM group_members WHERE user_id = ?))`,
        )
        .all(supplier.id, supplier.id) as { code: string }[]
    )
      .map((r) => r.code)
      .sort();
    expect(expected.length).toBeGreaterThan(0);
    expect(expected.length).toBeLessThan(40);
    await expect
      .poll(
        async () => {
          const texts = await page.getByTestId('report-row').allTextContents();
          return texts
            .map((t) => t.match(/\d{4}-\d{6}/)?.[0])
            .filter(Boolean)
            .sort();
        },
        { timeout: 10_000 },
      )
      .toEqual(expected);
    // The clerk's new report is not among them, and its code does not open.
    await page.keyboard.press('Control+k');
    await page.keyboard.type(code);
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByText(/Nessuna segnalazione con codice/).count()).toBeGreaterThan(0);
    await page.close();
  });
});
