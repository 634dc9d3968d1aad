/**
 * «Inoltra» and the notifications bell in real Chromium, with a real SMTP server on
 * loopback: an administrator adds a supplier to the Rubrica fornitori; a colleague
 * assigns a report to Lucia and mentions her; Lucia sees both under the bell, opens the
 * report from it, and forwards it to the suggested supplier. The supplier receives the
 * report's data and the map link, without the reporter's data; the Registro shows it.
 */
import AxeBuilder from '@axe-core/playwright';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
}

async function call<T = unknown>(name: string, input: unknown, username: string, password: string) {
  const t = await w.core.call('auth.login', { username, password }, null);
  if (!t.ok) throw new Error(t.error.message);
  const r = await w.core.call(name, input, (t.value as { token: string }).token);
  if (!r.ok) throw new Error(`${name}: ${r.error.message}`);
  return r.value as T;
}

const toOf = (m: SmtpSink['received'][number]) =>
  (Array.isArray(m.to) ? m.to : m.to ? [m.to] : []).flatMap((a) => a.value.map((v) => v.address));

describe('Inoltra and notifications', () => {
  it('an administrator adds a supplier to the Rubrica fornitori', async () => {
    await call(
      'mailout.smtp.save',
      {
        host: '127.0.0.1',
        port: smtp.port,
        security: 'none',
        fromAddress: 'protocollo@comune.example.it',
        fromName: 'Comune di Bergamo',
        replyTo: 'urp@comune.example.it',
      },
      'admin',
      'admin123',
    );
    const page = await w.newPage();
    await login(page, 'admin', 'admin123');
    await page.getByRole('link', { name: 'Impostazioni' }).click();
    await page.getByRole('link', { name: 'Rubrica fornitori' }).click();
    await page.getByRole('button', { name: 'Nuovo destinatario' }).click();
    const form = page.getByRole('form', { name: 'Nuovo destinatario' });
    await form.getByLabel('Nome (persona o ufficio)').fill('Ufficio tecnico');
    await form.getByLabel('Ditta o ente').fill('Asfalti Bergamaschi S.r.l.');
    await form.getByLabel('Email').fill('non-valida');
    await form.getByRole('button', { name: 'Salva destinatario' }).click();
    await form.getByRole('alert').filter({ hasText: 'Indirizzo email non valido.' }).waitFor();
    await form.getByLabel('Email').fill('tecnico@asfalti.example.it');
    await form.getByLabel('Buca', { exact: true }).check();
    await axe(page, 'rubrica');
    await form.getByRole('button', { name: 'Salva destinatario' }).click();
    await page.getByRole('status').filter({ hasText: 'Destinatario «Ufficio tecnico» salvato.' }).waitFor();
    const row = page.getByRole('row').filter({ hasText: 'tecnico@asfalti.example.it' });
    expect(await row.textContent()).toContain('Buca');
    await page.close();
  });

  it('Lucia sees a colleague’s assignment under the bell, opens the report and forwards it', async () => {
    const dir = await call<{ categories: { id: string; name: string; parentId: string | null }[] }>(
      'directory.get',
      {},
      'mario.rossi',
      'demo1234',
    );
    const buca = dir.categories.find((c) => c.name === 'Buca' && c.parentId)!;
    const lucia = (await call<{ id: string }>('auth.me', {}, 'lucia.verdi', 'demo1234')).id;
    const created = await call<{ id: string; code: string }>(
      'reports.create',
      {
        fields: {
          title: 'Buca davanti alla scuola',
          description: 'Buca larga un metro sulle strisce pedonali.',
          categoryId: buca.id,
          address: 'Via Pignolo 40',
          lat: 45.699,
          lon: 9.6741,
          channel: 'telefono',
          priority: 'alta',
        },
        reporters: [
          {
            reporterId: crypto.randomUUID(),
            newReporter: { nome: 'Nicolò', cognome: 'Carità', email: 'nicolo.carita@example.it' },
          },
        ],
      },
      'mario.rossi',
      'demo1234',
    );
    await call(
      'reports.assign',
      { id: created.id, kind: 'user', assigneeId: lucia },
      'mario.rossi',
      'demo1234',
    );
    await call(
      'reports.addNote',
      { id: created.id, text: '@lucia.verdi puoi girarla alla ditta?' },
      'mario.rossi',
      'demo1234',
    );

    const page = await w.newPage();
    await login(page, 'lucia.verdi', 'demo1234');
    const bell = page.getByRole('button', { name: /^Notifiche: \d+ da leggere$/ });
    await bell.waitFor();
    const before = Number((await bell.getAttribute('aria-label'))!.match(/\d+/)![0]);
    expect(before).toBeGreaterThanOrEqual(2);
    await bell.click();
    const panel = page.getByRole('region', { name: 'Notifiche' });
    const assigned = panel
      .getByRole('button')
      .filter({ hasText: `Mario Rossi ti ha assegnato la segnalazione ${created.code}` });
    await assigned.waitFor();
    await panel
      .getByRole('button')
      .filter({ hasText: `Mario Rossi ti ha menzionato nella segnalazione ${created.code}` })
      .filter({ hasText: 'puoi girarla alla ditta?' })
      .waitFor();
    await axe(page, 'notifiche');
    await assigned.click();
    await page.getByRole('heading', { level: 1, name: 'Buca davanti alla scuola' }).waitFor();
    // Opening the report reads both of its notifications (the assignment and the mention).
    const left = before - 2;
    await expect
      .poll(async () => page.getByRole('button', { name: /^Notifiche/ }).getAttribute('aria-label'))
      .toBe(
        left === 0
          ? 'Notifiche: nessuna da leggere'
          : left === 1
            ? 'Notifiche: 1 da leggere'
            : `Notifiche: ${left} da leggere`,
      );

    await page.getByRole('button', { name: 'Inoltra', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'Inoltra a un fornitore' });
    await dialog.waitFor();
    const to = dialog.getByLabel('Destinatario');
    await expect.poll(() => to.inputValue()).not.toBe('');
    expect(await to.locator('option:checked').textContent()).toContain(
      'Ufficio tecnico – Asfalti Bergamaschi S.r.l.',
    );
    expect(await dialog.getByTestId('fwd-summary').textContent()).toContain(
      'Mappa: https://www.openstreetmap.org/?mlat=45.699000&mlon=9.674100',
    );
    expect(await dialog.getByLabel('Includi Nicolò Carità').isChecked()).toBe(false);
    await dialog.getByLabel('Messaggio').fill('Vi chiediamo un intervento entro venerdì: c’è una scuola.');
    await axe(page, 'inoltra');
    await dialog.getByRole('button', { name: 'Inoltra', exact: true }).click();
    await page
      .getByRole('status')
      .filter({ hasText: 'Segnalazione inoltrata a Ufficio tecnico (Asfalti Bergamaschi S.r.l.)' })
      .waitFor();

    await expect
      .poll(() => smtp.received.filter((m) => toOf(m).includes('tecnico@asfalti.example.it')).length, {
        timeout: 20_000,
      })
      .toBe(1);
    const m = smtp.received.find((x) => toOf(x).includes('tecnico@asfalti.example.it'))!;
    expect(m.subject).toBe(`[SEG-${created.code}] Segnalazione ${created.code}: Buca davanti alla scuola`);
    expect(m.text).toContain('Vi chiediamo un intervento entro venerdì: c’è una scuola.');
    expect(m.text).toContain('Categoria: Strada › Buca');
    expect(m.text).toContain('Mappa: https://www.openstreetmap.org/?mlat=45.699000&mlon=9.674100');
    expect(m.text).toContain('Priorità: Alta');
    expect(m.text).not.toContain('Carità');
    expect(m.text).not.toContain('nicolo.carita');

    const entry = page.getByTestId('log-entry').filter({ hasText: 'Inoltrata al fornitore' });
    await entry.waitFor();
    expect(await entry.textContent()).toContain('Ufficio tecnico – Asfalti Bergamaschi S.r.l.');
    expect(await entry.textContent()).toContain('A: tecnico@asfalti.example.it');
  });
});
