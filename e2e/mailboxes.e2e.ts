/**
 * An administrator sets up a mailbox in real Chromium: "Prova connessione" against a
 * dead server answers in Italian and saves nothing; "Salva" lists the mailbox (kept
 * disabled, so the core never polls it). axe-core checks the screen with the form open.
 */
import AxeBuilder from '@axe-core/playwright';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { login, startWorld, type E2EWorld } from './harness';

let w: E2EWorld;
beforeAll(async () => {
  w = await startWorld();
});
afterAll(async () => {
  await w?.close();
});

const storedMailboxes = () =>
  (w.core.services.db.prepare('SELECT count(*) AS n FROM mail_mailboxes').get() as { n: number }).n;

describe('mailboxes', () => {
  it('an administrator tests a dead server, then saves a disabled mailbox', async () => {
    const page = await w.newPage();
    await login(page, 'admin', 'admin123');
    await page.getByRole('link', { name: 'Caselle email' }).click();
    await page.getByRole('heading', { name: 'Caselle email', level: 1 }).waitFor();
    expect(storedMailboxes()).toBe(0);

    await page.getByRole('button', { name: 'Nuova casella' }).click();
    const form = page.getByRole('form', { name: 'Nuova casella' });
    await form.getByLabel('Nome', { exact: true }).fill('URP ordinaria');
    await form.getByLabel('Tipo').selectOption({ label: 'Ordinaria' });
    await form.getByLabel('Sicurezza').selectOption({ label: 'Nessuna' });
    await form.getByLabel('Server IMAP').fill('127.0.0.1');
    await form.getByLabel('Porta').fill('9');
    await form.getByLabel('Nome utente').fill('urp');
    await form.getByLabel('Password').fill('segreta-di-prova');
    await form.getByLabel('Cartella da controllare').fill('INBOX');
    await form.getByLabel('Sposta nella cartella').check();
    await form.getByLabel('Cartella di destinazione').fill('Acquisite');
    await form.getByLabel('Controlla ogni (secondi)').fill('300');
    await form.getByLabel('Usa IDLE', { exact: false }).uncheck();
    await form.getByLabel('Attiva', { exact: true }).uncheck();

    await form.getByRole('button', { name: 'Prova connessione' }).click();
    const result = form.getByTestId('mailbox-test-result');
    await result.waitFor({ timeout: 20_000 });
    expect(await result.getAttribute('role')).toBe('alert');
    const text = (await result.textContent()) ?? '';
    expect(text).toMatch(
      /Il server .*127\.0\.0\.1.* (rifiuta la connessione|non risponde|non è raggiungibile)/,
    );
    expect(text).not.toMatch(/ECONNREFUSED|Error:/);
    expect(storedMailboxes()).toBe(0);

    const axe = await new AxeBuilder({ page }).analyze();
    const serious = axe.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    expect(
      serious.map((v) => `${v.id} (${v.impact}) ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`),
    ).toEqual([]);
    expect(axe.passes.length).toBeGreaterThan(5);

    await form.getByRole('button', { name: 'Salva' }).click();
    await page.getByRole('status').filter({ hasText: 'Casella «URP ordinaria» salvata.' }).waitFor();
    const row = page.getByTestId('mailbox-row');
    await expect.poll(() => row.count()).toBe(1);
    const rowText = (await row.textContent()) ?? '';
    expect(rowText).toContain('URP ordinaria');
    expect(rowText).toContain('127.0.0.1:9');
    expect(rowText).toContain('Disattivata');
    expect(storedMailboxes()).toBe(1);

    // Editing shows the password as write-only.
    await page.getByRole('button', { name: 'Modifica URP ordinaria' }).click();
    const edit = page.getByRole('form', { name: 'Modifica casella' });
    await expect.poll(() => edit.getByLabel('Password').getAttribute('placeholder')).toBe('invariata');
    expect(await edit.getByLabel('Password').inputValue()).toBe('');
    expect(await edit.getByLabel('Cartella di destinazione').inputValue()).toBe('Acquisite');
  });
});
