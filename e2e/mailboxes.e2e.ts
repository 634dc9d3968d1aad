/**
 * An administrator sets up a mailbox in real Chromium: "Prova connessione" against a
 * dead server answers in Italian and saves nothing; "Salva" lists the mailbox (kept
 * disabled, so the core never polls it). axe-core checks the screen with the form open.
 * Then a clerk reads an emailed report and the citizen's reply in the Registro: the
 * HTML only inside a sandboxed frame, remote images dark until asked, the reply marked seen.
 */
import AxeBuilder from '@axe-core/playwright';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { createMailIntake } from '../src-main/mail/intake';
import { multipartMessage, plainMessage, textPart } from '../src-main/mail/testing/messages';
import { login, startWorld, type E2EWorld } from './harness';

let w: E2EWorld;
beforeAll(async () => {
  w = await startWorld();
});
afterAll(async () => {
  await w?.close();
});

async function axe(page: Page, what: string) {
  // axe cannot run inside a sandbox="" frame (no script there): the frame is left out.
  const result = await new AxeBuilder({ page }).exclude('iframe[sandbox]').analyze();
  const serious = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(
    serious.map((v) => `${what}: ${v.id} (${v.impact}) ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`),
  ).toEqual([]);
  expect(result.passes.length).toBeGreaterThan(5);
}

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

    await axe(page, 'caselle email');

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

  it('a clerk reads a mailed report and the reply in the Registro, then marks the reply seen', async () => {
    const intake = createMailIntake({ services: w.core.services, threadKey: randomBytes(32) });
    const html =
      '<p>Il <b>lampione</b> di via Verdi 4 è spento da una settimana.</p>' +
      '<script>window.top.pwned = 1</script><img src="https://tracker.example/p.gif" width="1" height="1">';
    const first = await intake.ingest(
      multipartMessage({
        from: 'Maria Bianchi <maria.bianchi@example.it>',
        subject: 'Lampione spento',
        messageId: '<lamp1@example.it>',
        contentType: 'multipart/alternative',
        parts: [
          textPart('Il lampione di via Verdi 4 è spento da una settimana.'),
          `Content-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n${html}\r\n`,
        ],
      }),
      { mailboxId: 'e2e' },
    );
    expect(first.outcome).toBe('created');
    const reply = await intake.ingest(
      plainMessage({
        from: 'Maria Bianchi <maria.bianchi@example.it>',
        subject: `Re: [SEG-${first.code}] Lampione spento`,
        messageId: '<lamp2@example.it>',
        text: 'È ancora spento, grazie.',
      }),
      { mailboxId: 'e2e' },
    );
    expect(reply).toMatchObject({ outcome: 'follow-up', reportId: first.reportId });

    const page = await w.newPage();
    await login(page, 'admin', 'admin123');
    await page.evaluate((id) => (location.hash = `#/segnalazioni/${id}`), first.reportId!);
    await page.getByTestId('report-code').waitFor();

    const entries = page.getByTestId('log-entry');
    const received = entries.filter({
      hasText: 'Email ricevuta da Maria Bianchi <maria.bianchi@example.it>',
    });
    await expect.poll(() => received.count()).toBe(1);
    expect(await received.textContent()).toContain('«Lampione spento»');
    const answer = entries.filter({ hasText: 'Risposta del cittadino' });
    expect(await answer.getByTestId('mail-text').textContent()).toBe('È ancora spento, grazie.');
    await expect.poll(() => page.getByTestId('new-reply').textContent()).toContain('Nuova risposta');

    // The HTML lives only in a sandboxed frame: never in the app's DOM, no script, no tracker.
    await received.getByRole('button', { name: 'Mostra il messaggio formattato' }).click();
    const frame = received.locator('iframe');
    await frame.waitFor();
    expect(await frame.getAttribute('sandbox')).toBe('');
    const srcdoc = (await frame.getAttribute('srcdoc')) ?? '';
    expect(srcdoc).toContain('lampione');
    expect(srcdoc).not.toMatch(/<script/i);
    expect(srcdoc).not.toContain(' src="https://tracker.example');
    expect(await page.locator('main b', { hasText: 'lampione' }).count()).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { pwned?: number }).pwned)).toBeUndefined();
    // Asked for, remote images are fetched by the core and shown as data: URLs; the frame
    // itself never goes online. This tracker's host does not resolve: it stays dark, said so.
    await received.getByRole('button', { name: 'Mostra immagini remote' }).click();
    await received.getByTestId('remote-images-note').waitFor();
    expect(await received.getByTestId('remote-images-note').textContent()).toContain('non è disponibile');
    const lit = (await frame.getAttribute('srcdoc')) ?? '';
    expect(lit).not.toContain(' src="https://tracker.example');
    expect(lit).toContain('img-src data:;');
    await axe(page, 'dettaglio con email');

    await page.getByRole('button', { name: 'Segna come letta' }).click();
    await expect.poll(() => page.getByTestId('new-reply').count()).toBe(0);
    await expect
      .poll(() => entries.filter({ hasText: 'Ha segnato come letta la risposta del cittadino' }).count())
      .toBe(1);
  });
});
