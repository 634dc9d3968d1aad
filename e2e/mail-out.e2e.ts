/**
 * Mail-out in real Chromium with a real SMTP server on loopback (smtp-server):
 * an administrator configures the account (the test email first fails in Italian
 * against a dead port, then arrives), switches a notification off and writes a reply
 * template with its preview; a clerk answers a citizen with that template from
 * «Rispondi». The SMTP server receives the Italian text with its accents, the
 * Registro shows the public reply apart from notes, and a refused send shows on the
 * report and on its reporter until «Riprova» delivers it.
 */
import AxeBuilder from '@axe-core/playwright';
import type { Page } from 'playwright-core';
import { createServer, type AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMailIntake } from '../src-main/mail/intake';
import { threadingKey } from '../src-main/mail/secrets';
import { multipartMessage, textPart } from '../src-main/mail/testing/messages';
import { startSmtpSink, type SmtpSink } from '../src-main/mail-out/testing/smtp-sink';
import { login, startWorld, type E2EWorld } from './harness';

let w: E2EWorld;
let smtp: SmtpSink;
beforeAll(async () => {
  w = await startWorld();
  smtp = await startSmtpSink();
});
afterAll(async () => {
  await w?.close();
  await smtp?.close();
});

async function axe(page: Page, what: string) {
  const result = await new AxeBuilder({ page }).exclude('iframe[sandbox]').analyze();
  const serious = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(
    serious.map((v) => `${what}: ${v.id} (${v.impact}) ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`),
  ).toEqual([]);
  expect(result.passes.length).toBeGreaterThan(5);
}

/** A loopback port with nothing listening: connections are refused. */
async function deadPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

const toOf = (m: SmtpSink['received'][number]) =>
  (Array.isArray(m.to) ? m.to : m.to ? [m.to] : []).flatMap((a) => a.value.map((v) => v.address));

async function call<T = unknown>(name: string, input: unknown, username: string, password: string) {
  const t = await w.core.call('auth.login', { username, password }, null);
  if (!t.ok) throw new Error(t.error.message);
  const r = await w.core.call(name, input, (t.value as { token: string }).token);
  if (!r.ok) throw new Error(`${name}: ${r.error.message}`);
  return r.value as T;
}

describe('mail-out', () => {
  let templateId = '';

  it('an administrator configures SMTP, tests it, switches a notification off and writes a reply template', async () => {
    const page = await w.newPage();
    await login(page, 'admin', 'admin123');
    await page.getByRole('link', { name: 'Impostazioni' }).click();
    await page.getByRole('link', { name: 'Posta in uscita' }).click();
    const form = page.getByRole('form', { name: 'Account SMTP' });
    await form.waitFor();

    await form.getByLabel('Server SMTP').fill('127.0.0.1');
    await form.getByLabel('Sicurezza').selectOption({ label: 'Nessuna' });
    await form.getByLabel('Porta').fill(String(await deadPort()));
    await form.getByLabel('Nome del mittente').fill('Comune di Sant’Agata');
    await form.getByLabel('Indirizzo del mittente').fill('protocollo@comune.example.it');
    await form.getByLabel('Rispondi a (casella URP)').fill('urp@comune.example.it');
    await form.getByRole('button', { name: 'Salva' }).click();
    await page.getByRole('status').filter({ hasText: 'Account di posta in uscita salvato.' }).waitFor();

    const testTo = page.getByLabel('Invia a');
    await testTo.fill('prova@example.it');
    await page.getByRole('button', { name: 'Invia email di prova' }).click();
    const result = page.getByTestId('smtp-test-result');
    await result.waitFor({ timeout: 30_000 });
    expect(await result.getAttribute('role')).toBe('alert');
    expect(await result.textContent()).toMatch(/Server SMTP 127\.0\.0\.1:\d+ non raggiungibile/);
    expect(await result.textContent()).not.toMatch(/ECONNREFUSED|Error:/);

    await form.getByLabel('Porta').fill(String(smtp.port));
    await page.getByRole('button', { name: 'Invia email di prova' }).click();
    await expect.poll(() => result.textContent()).toMatch(/Salva prima le modifiche/);
    await form.getByRole('button', { name: 'Salva' }).click();
    await page.getByRole('status').filter({ hasText: 'Account di posta in uscita salvato.' }).waitFor();
    await page.getByRole('button', { name: 'Invia email di prova' }).click();
    await expect
      .poll(() => result.textContent(), { timeout: 20_000 })
      .toContain('Email di prova inviata a prova@example.it.');
    const test = smtp.received.find((m) => toOf(m).includes('prova@example.it'))!;
    expect(test.subject).toBe('Email di prova da Sportello – Comune di Bergamo');
    expect(test.text).toContain('Questa è un’email di prova');
    expect(test.from?.value[0]).toMatchObject({
      name: 'Comune di Sant’Agata',
      address: 'protocollo@comune.example.it',
    });
    expect(test.replyTo?.value[0]?.address).toBe('urp@comune.example.it');
    // The password field never shows a stored value.
    expect(await form.getByLabel('Password').inputValue()).toBe('');

    // "Presa in carico" off for every category.
    await page
      .getByRole('group', { name: 'Notifiche per tutte le categorie' })
      .getByLabel('Presa in carico')
      .uncheck();
    // …but on for Strada, and Buca (under Strada) follows it unless told otherwise.
    await page.getByText('Eccezioni per categoria').click();
    await page.getByLabel('Presa in carico per Strada', { exact: true }).selectOption({ label: 'Sì' });
    const buca = page.getByLabel('Presa in carico per Buca', { exact: true });
    expect(await buca.inputValue()).toBe('inherit');
    expect(await buca.locator('option:checked').textContent()).toBe('Come la categoria superiore (sì)');
    await page.getByRole('button', { name: 'Salva le notifiche' }).click();
    await page.getByRole('status').filter({ hasText: 'Notifiche ai cittadini salvate.' }).waitFor();
    const strada = w.core.services.db.prepare("SELECT id FROM categories WHERE name = 'Strada'").get() as {
      id: string;
    };
    const rules = await call<{ rules: unknown[] }>('mailout.rules.get', {}, 'admin', 'admin123');
    expect(rules.rules).toEqual([
      { kind: 'in_charge', categoryId: null, enabled: false },
      { kind: 'in_charge', categoryId: strada.id, enabled: true },
    ]);

    // The receipt's own text: the subject changed, the body kept from the default.
    await page.getByRole('button', { name: 'Modifica il testo: Ricevuta della segnalazione' }).click();
    const receipt = page.getByRole('form', { name: 'Testo: ricevuta della segnalazione' });
    expect(await receipt.getByLabel('Testo').inputValue()).toContain('è stata registrata il {data}');
    await receipt.getByLabel('Oggetto').fill('Ricevuta della sua segnalazione n. {codice}');
    await receipt.getByRole('button', { name: 'Salva' }).click();
    await page
      .getByRole('status')
      .filter({ hasText: 'Testo «Ricevuta della segnalazione» salvato.' })
      .waitFor();

    // A reply template, with placeholders inserted by button and a preview.
    await page.getByRole('button', { name: 'Nuovo modello' }).click();
    const editor = page.getByRole('form', { name: 'Nuovo modello di risposta' });
    await editor.getByLabel('Nome del modello').fill('Intervento programmato');
    await editor.getByLabel('Oggetto').fill('Intervento per la segnalazione {codice}');
    await editor
      .getByLabel('Testo')
      .fill(
        'Gentile {nome} {cognome},\n\nl’intervento in {indirizzo} è già programmato: grazie perché ci ha scritto.\n\n',
      );
    await editor.getByRole('button', { name: '{ente}' }).click();
    await expect
      .poll(() => editor.getByTestId('template-preview-text').textContent())
      .toContain('Gentile Niccolò Rossi,');
    expect(await editor.getByTestId('template-preview-text').textContent()).toContain(
      'l’intervento in Via Giosuè Carducci 12 è già programmato',
    );
    expect(await editor.getByTestId('template-preview-subject').textContent()).toContain(
      '[SEG-2026-000123] Intervento per la segnalazione 2026-000123',
    );
    await axe(page, 'posta in uscita');
    await editor.getByRole('button', { name: 'Salva' }).click();
    await page.getByRole('status').filter({ hasText: 'Testo «Intervento programmato» salvato.' }).waitFor();
    await expect.poll(() => page.getByTestId('reply-template-row').count()).toBe(1);
    const stored = w.core.services.db
      .prepare("SELECT id, body FROM mail_templates WHERE kind = 'reply'")
      .all() as { id: string; body: string }[];
    expect(stored).toHaveLength(1);
    expect(stored[0]!.body.endsWith('grazie perché ci ha scritto.\n\n{ente}')).toBe(true);
    templateId = stored[0]!.id;
    await page.context().close();
  });

  it('a clerk answers with the template: the citizen gets the Italian text, the Registro shows the public reply', async () => {
    expect(templateId).not.toBe('');
    const created = await call<{ id: string; code: string }>(
      'reports.create',
      {
        fields: {
          title: 'Lampione spento in piazza',
          categoryId: null,
          address: 'Piazza Vecchia 1',
          lat: null,
          lon: null,
          channel: 'sportello',
        },
        reporters: [
          {
            reporterId: crypto.randomUUID(),
            newReporter: { nome: 'Nicolò', cognome: 'Carità', email: 'nicolo.carita@example.it' },
          },
        ],
      },
      'lucia.verdi',
      'demo1234',
    );
    // The receipt notification went out on creation.
    await expect
      .poll(() => smtp.received.filter((m) => toOf(m).includes('nicolo.carita@example.it')).length, {
        timeout: 20_000,
      })
      .toBe(1);
    expect(smtp.received.at(-1)!.text).toContain(
      'la sua segnalazione «Lampione spento in piazza» è stata registrata',
    );
    expect(smtp.received.at(-1)!.subject).toBe(
      `[SEG-${created.code}] Ricevuta della sua segnalazione n. ${created.code}`,
    );

    const page = await w.newPage();
    await login(page, 'lucia.verdi', 'demo1234');
    await page.goto(`${w.host.url.split('#')[0]}#/segnalazioni/${created.id}`);
    await page.getByTestId('report-code').waitFor();
    await page.getByRole('button', { name: 'Rispondi' }).click();
    const dialog = page.getByRole('dialog', { name: 'Rispondi al cittadino' });
    await dialog.waitFor();
    expect(await dialog.getByLabel('Nicolò Carità <nicolo.carita@example.it>').isChecked()).toBe(true);
    await dialog.getByLabel('Modello').selectOption({ label: 'Intervento programmato' });
    const text = dialog.getByLabel('Testo');
    await expect.poll(() => text.inputValue()).toContain('Gentile Nicolò Carità,');
    expect(await text.inputValue()).toContain('l’intervento in Piazza Vecchia 1 è già programmato');
    expect(await dialog.getByLabel('Oggetto').inputValue()).toBe(
      `Intervento per la segnalazione ${created.code}`,
    );
    await text.fill(`${await text.inputValue()}\nP.S. Può rispondere a questa email per aggiungere foto.`);
    await axe(page, 'rispondi');
    await dialog.getByRole('button', { name: 'Invia risposta' }).click();
    await page
      .getByRole('status')
      .filter({ hasText: 'Risposta in coda per l’invio al cittadino.' })
      .waitFor();

    await expect
      .poll(() => smtp.received.filter((m) => toOf(m).includes('nicolo.carita@example.it')).length, {
        timeout: 20_000,
      })
      .toBe(2);
    const reply = smtp.received.filter((m) => toOf(m).includes('nicolo.carita@example.it'))[1]!;
    expect(reply.subject).toBe(`[SEG-${created.code}] Intervento per la segnalazione ${created.code}`);
    expect(reply.text).toContain('Gentile Nicolò Carità,');
    expect(reply.text).toContain(
      'l’intervento in Piazza Vecchia 1 è già programmato: grazie perché ci ha scritto.',
    );
    expect(reply.text).toContain('Comune di Bergamo');
    expect(reply.text).toContain('P.S. Può rispondere a questa email');
    expect(reply.html).toContain('Gentile Nicolò Carità,');

    // The Registro: a public message, apart from internal notes, naming the template.
    const entry = page.getByTestId('log-entry').filter({ hasText: 'Risposta inviata al cittadino' });
    await entry.waitFor();
    expect(await entry.getAttribute('class')).toContain('public');
    expect(await entry.textContent()).toContain('Messaggio pubblico, inviato al cittadino');
    expect(await entry.textContent()).toContain('Modello: Intervento programmato');
    expect(await entry.getByTestId('reply-text').textContent()).toContain('Gentile Nicolò Carità,');
    const detail = await call<{ log: { action: string; data: Record<string, unknown> | null }[] }>(
      'reports.get',
      { id: created.id },
      'lucia.verdi',
      'demo1234',
    );
    expect(detail.log.find((l) => l.action === 'reply_sent')?.data).toMatchObject({
      templateId,
      templateName: 'Intervento programmato',
    });
    await expect
      .poll(() => page.getByTestId('sent-email').first().getAttribute('data-status'), { timeout: 20_000 })
      .toBe('sent');

    // A refused send (5xx) shows on the report with its reason; «Riprova» delivers it.
    smtp.answer = 'permanent';
    await page.getByRole('button', { name: 'Rispondi' }).click();
    await dialog.getByLabel('Testo').fill('Gentile {nome}, il lampione è stato riparato.');
    await dialog.getByRole('button', { name: 'Invia risposta' }).click();
    const failed = page.getByTestId('mail-failed');
    await failed.waitFor({ timeout: 20_000 });
    expect(await failed.textContent()).toContain('Un’email al cittadino non è stata inviata');
    const bad = page.locator('[data-testid="sent-email"][data-status="failed"]');
    expect(await bad.textContent()).toContain('Il server SMTP ha rifiutato il messaggio');
    // The reporter shows the failing address too.
    const reporterTrouble = page.getByTestId('delivery-trouble');
    await expect
      .poll(() => reporterTrouble.textContent(), { timeout: 20_000 })
      .toContain('Il server SMTP ha rifiutato il messaggio');
    smtp.answer = 'accept';
    await bad.getByRole('button', { name: /Riprova/ }).click();
    await expect.poll(() => failed.count(), { timeout: 20_000 }).toBe(0);
    await expect.poll(() => reporterTrouble.count(), { timeout: 20_000 }).toBe(0);
    await expect
      .poll(() => smtp.received.filter((m) => toOf(m).includes('nicolo.carita@example.it')).length)
      .toBe(3);
    expect(smtp.received.at(-1)!.text).toContain('Gentile Nicolò, il lampione è stato riparato.');
    // With one recipient the Registro keeps the text as the citizen read it.
    await expect
      .poll(() => page.getByTestId('reply-text').last().textContent())
      .toBe('Gentile Nicolò, il lampione è stato riparato.');

    // Days later the citizen's provider bounces that email: the report and the reporter say so.
    const sentId = smtp.received.at(-1)!.messageId!.replace(/^<|>$/g, '');
    const intake = createMailIntake({ services: w.core.services, threadKey: threadingKey(w.dir) });
    const bounced = await intake.ingest(
      multipartMessage({
        from: 'MAILER-DAEMON@mx.example.it',
        subject: 'Undelivered Mail Returned to Sender',
        messageId: '<bounce-e2e@mx.example.it>',
        contentType: 'multipart/report; report-type=delivery-status',
        parts: [
          textPart('Delivery failed.'),
          'Content-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx\r\n\r\nFinal-Recipient: rfc822; nicolo.carita@example.it\r\nAction: failed\r\nStatus: 5.2.2\r\nDiagnostic-Code: smtp; 552 casella piena\r\n',
          `Content-Type: text/rfc822-headers\r\n\r\nMessage-ID: <${sentId}>\r\n`,
        ],
      }),
      { mailboxId: 'e2e' },
    );
    expect(bounced).toMatchObject({ outcome: 'notice', reportId: created.id });
    const undelivered = page.getByTestId('mail-undelivered');
    await undelivered.waitFor({ timeout: 20_000 });
    expect(await undelivered.textContent()).toBe(
      'Email non recapitata: smtp; 552 casella piena (nicolo.carita@example.it).',
    );
    await expect
      .poll(() => reporterTrouble.textContent(), { timeout: 20_000 })
      .toContain('Email non recapitata: smtp; 552 casella piena');

    // A colleague without «può rispondere» nor reporters' data: no Rispondi, no addresses.
    const other = await w.newPage();
    await login(other, 'giulia.bianchi', 'demo1234');
    await other.goto(`${w.host.url.split('#')[0]}#/segnalazioni/${created.id}`);
    await other.getByRole('heading', { name: 'Email inviate' }).waitFor();
    await expect.poll(() => other.getByTestId('sent-email').count()).toBe(3);
    expect(await other.getByRole('button', { name: 'Rispondi' }).count()).toBe(0);
    expect(await other.getByTestId('sent-email').first().textContent()).not.toContain('@');
    expect(await other.getByTestId('delivery-trouble').count()).toBe(0);
  });
});
