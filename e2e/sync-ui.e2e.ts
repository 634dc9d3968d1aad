/**
 * The sync UI on a PC that works on its own (the demo municipality, standalone core):
 * no indicator in the top bar, the sync page explains the state, and connecting to a
 * server that cannot be reached fails in Italian without touching the local data or
 * the session. A clerk (not an administrator) may not hand a PC with data to a server.
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

describe('sync UI on a standalone PC', () => {
  it('shows no indicator and refuses an unreachable server, losing nothing', async () => {
    const page = await w.newPage();
    await login(page, 'admin', 'admin123');

    await page.getByRole('link', { name: 'Segnalazioni' }).click();
    await page.getByTestId('report-row').first().waitFor();
    const before = await page.getByTestId('report-row').count();
    expect(before).toBeGreaterThan(0);
    expect(await page.getByTestId('sync-indicator').count()).toBe(0);

    await page.getByRole('link', { name: 'Sincronizzazione' }).click();
    await page.getByRole('heading', { name: 'Collega a un server' }).waitFor();
    await expect.poll(() => page.getByText('Questo PC lavora da solo').count()).toBe(1);
    const axe = await new AxeBuilder({ page }).analyze();
    expect(
      axe.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id),
    ).toEqual([]);

    await page.getByLabel('Indirizzo del server').fill('http://127.0.0.1:9');
    await page.getByLabel('Nome utente').fill('admin');
    await page.getByLabel('Password').fill('admin123');
    await page.getByRole('button', { name: 'Collega', exact: true }).click();

    // The PC has data: the core asks to confirm that it will be replaced.
    const replace = page.getByLabel('Sostituisci i dati di questo PC con quelli del Comune');
    await replace.waitFor();
    await replace.check();
    await page.getByRole('button', { name: 'Collega', exact: true }).click();

    const error = page.getByRole('alert').filter({ hasText: 'Server non raggiungibile' });
    await error.waitFor({ timeout: 30_000 });
    expect(await error.textContent()).toMatch(/su questo PC non è cambiato nulla/);

    // Still logged in, still standalone, the reports are all there.
    expect(await page.getByRole('button', { name: 'Esci' }).isVisible()).toBe(true);
    expect(await page.getByTestId('sync-indicator').count()).toBe(0);
    const status = await w.core.call('sync.status', {}, null);
    expect(status).toMatchObject({ ok: true, value: { phase: 'standalone', serverUrl: null } });
    await page.getByRole('link', { name: 'Segnalazioni' }).click();
    await expect.poll(() => page.getByTestId('report-row').count()).toBe(before);
    await page.context().close();
  });

  it('keeps a notice of refused work on screen until it is acknowledged', async () => {
    // What the sync client writes when the server refuses a pushed mutation.
    const db = w.core.services.db;
    const r = db.prepare('SELECT id, code FROM reports ORDER BY code LIMIT 1').get() as {
      id: string;
      code: string;
    };
    db.prepare(
      `INSERT INTO sync_notices (id, at, report_id, report_code, mutation_name, what, message)
       VALUES ('e2e-notice', ?, ?, ?, 'report.close', 'Chiusura della segnalazione', ?)`,
    ).run(Date.now(), r.id, r.code, 'La segnalazione è già nello stato «Chiuso»');

    const page = await w.newPage();
    await login(page, 'mario.rossi', 'demo1234');
    const banner = page.getByTestId('sync-notices');
    await banner.waitFor();
    expect(await banner.innerText()).toContain(
      `Segnalazione ${r.code} — Chiusura della segnalazione non applicata: La segnalazione è già nello stato «Chiuso»`,
    );
    // It stays while the clerk moves around.
    await page.getByRole('link', { name: `Segnalazione ${r.code}` }).click();
    await page.getByTestId('report-code').waitFor();
    expect(await banner.isVisible()).toBe(true);

    await page.getByRole('button', { name: 'Ho capito' }).click();
    await banner.waitFor({ state: 'detached' });
    const status = await w.core.call('sync.status', {}, null);
    expect(status).toMatchObject({ ok: true, value: { notices: 0 } });
    await page.context().close();
  });

  it('lets only an administrator connect a PC that has data', async () => {
    const page = await w.newPage();
    await login(page, 'mario.rossi', 'demo1234');
    await page.getByRole('link', { name: 'Sincronizzazione' }).click();
    await page.getByLabel('Indirizzo del server').fill('http://127.0.0.1:9');
    await page.getByLabel('Nome utente').fill('mario.rossi');
    await page.getByLabel('Password').fill('demo1234');
    await page.getByRole('button', { name: 'Collega', exact: true }).click();
    const error = page.getByRole('alert').filter({ hasText: 'Solo un amministratore' });
    await error.waitFor();
    expect(await page.getByRole('button', { name: 'Esci' }).isVisible()).toBe(true);
    await page.context().close();
  });
});
