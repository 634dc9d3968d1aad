/**
 * The review inbox in real Chromium: two messages of a mailbox with review on wait in
 * "Da revisionare"; the clerk confirms one with category, address and coordinates (the
 * report appears at the intake's deterministic id, exactly once) and discards the other
 * (recorded). Italian field errors first; axe-core checks the screen.
 */
import AxeBuilder from '@axe-core/playwright';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mailKeyOf, reportIdOf } from '../src-main/mail/identity';
import { createMailIntake } from '../src-main/mail/intake';
import { decideReview } from '../src-main/mail/review-repo';
import { plainMessage } from '../src-main/mail/testing/messages';
import { login, startWorld, type E2EWorld } from './harness';

let w: E2EWorld;
beforeAll(async () => {
  w = await startWorld();
});
afterAll(async () => {
  await w?.close();
});

const db = () => w.core.services.db;

describe('Da revisionare', () => {
  it('a clerk confirms category and place (one report, deterministic id) and discards another message', async () => {
    const intake = createMailIntake({ services: w.core.services, threadKey: Buffer.alloc(32, 2) });
    const keep = await intake.ingest(
      plainMessage({
        messageId: '<buca-via-po@example.it>',
        subject: 'Buca enorme in via Po',
        text: 'Davanti al civico 3 c’è una buca profonda.',
      }),
      { mailboxId: 'urp', review: true },
    );
    await intake.ingest(
      plainMessage({
        messageId: '<promo@example.it>',
        subject: 'Offerta imperdibile',
        from: 'promo@ditta.it',
      }),
      { mailboxId: 'urp', review: true },
    );
    const id = reportIdOf(mailKeyOf('urp', '<buca-via-po@example.it>', ''));
    expect(keep).toMatchObject({ outcome: 'parked', reportId: id });
    const before = (db().prepare('SELECT count(*) AS n FROM reports').get() as { n: number }).n;

    const page = await w.newPage();
    await login(page, 'lucia.verdi', 'demo1234');
    await page.getByRole('link', { name: 'Da revisionare' }).click();
    await page.getByRole('heading', { name: 'Da revisionare', level: 1 }).waitFor();
    const rows = page.getByTestId('review-row');
    await expect.poll(() => rows.count()).toBe(2);

    await page.getByRole('button', { name: 'Buca enorme in via Po' }).click();
    const form = page.getByRole('form', { name: 'Conferma segnalazione' });
    await form.getByLabel('Categoria', { exact: true }).selectOption({ label: '— Nessuna —' });
    await form.getByLabel('Latitudine').fill('45,07');
    await form.getByRole('button', { name: 'Crea segnalazione' }).click();
    await form.getByText('Scegli la categoria.').waitFor();
    await form.getByText('Indica entrambe le coordinate o nessuna.').waitFor();

    const axe = await new AxeBuilder({ page }).analyze();
    expect(
      axe.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id),
    ).toEqual([]);

    await form.getByLabel('Categoria', { exact: true }).selectOption({ label: 'Strada' });
    await form.getByLabel('Sottocategoria').selectOption({ label: 'Buca' });
    await form.getByLabel('Indirizzo').fill('Via Po 3');
    await form.getByLabel('Longitudine').fill('7.69');
    await form.getByRole('button', { name: 'Crea segnalazione' }).click();
    const status = page.getByRole('status').filter({ hasText: 'creata da «Buca enorme in via Po»' });
    await status.waitFor();
    expect(await status.getByRole('link', { name: 'Apri la segnalazione' }).getAttribute('href')).toBe(
      `#/segnalazioni/${id}`,
    );
    await expect.poll(() => rows.count()).toBe(1);

    const report = db()
      .prepare(
        `SELECT r.id, r.address, r.lat, r.lon, r.channel, c.name AS category FROM reports r
         JOIN categories c ON c.id = r.category_id WHERE r.id = ?`,
      )
      .get(id);
    expect(report).toEqual({
      id,
      address: 'Via Po 3',
      lat: 45.07,
      lon: 7.69,
      channel: 'email',
      category: 'Buca',
    });
    expect((db().prepare('SELECT count(*) AS n FROM reports').get() as { n: number }).n).toBe(before + 1);

    await page.getByRole('button', { name: 'Offerta imperdibile' }).click();
    await page.getByLabel('Motivo dello scarto (facoltativo)').fill('Pubblicità');
    await page.getByRole('button', { name: 'Scarta' }).click();
    await page.getByRole('status').filter({ hasText: 'Messaggio «Offerta imperdibile» scartato.' }).waitFor();
    await page.getByText('Nessun messaggio da revisionare.').waitFor();
    expect(
      db().prepare("SELECT status, note FROM mail_review WHERE status != 'pending' ORDER BY status").all(),
    ).toEqual([
      { status: 'confirmed', note: null },
      { status: 'discarded', note: 'Pubblicità' },
    ]);
    expect((db().prepare('SELECT count(*) AS n FROM reports').get() as { n: number }).n).toBe(before + 1);
  });

  it('a message another clerk decided meanwhile: the clerk is told so and the list is read again', async () => {
    const intake = createMailIntake({ services: w.core.services, threadKey: Buffer.alloc(32, 2) });
    const taken = await intake.ingest(
      plainMessage({ messageId: '<lampione@example.it>', subject: 'Lampione spento in piazza' }),
      { mailboxId: 'urp', review: true },
    );
    await intake.ingest(plainMessage({ messageId: '<panchina@example.it>', subject: 'Panchina rotta' }), {
      mailboxId: 'urp',
      review: true,
    });
    const page = await w.newPage();
    await login(page, 'lucia.verdi', 'demo1234');
    await page.getByRole('link', { name: 'Da revisionare' }).click();
    const rows = page.getByTestId('review-row');
    await expect.poll(() => rows.count()).toBe(2);
    await page.getByRole('button', { name: 'Lampione spento in piazza' }).click();
    const form = page.getByRole('form', { name: 'Conferma segnalazione' });
    await form.getByLabel('Categoria', { exact: true }).selectOption({ label: 'Strada' });

    // Another clerk discards it while this one fills the form (with a sync server: on another PC).
    expect(
      decideReview(db(), taken.reportId!, { status: 'discarded', by: 'altro', at: Date.now(), note: null }),
    ).toBe(true);
    await form.getByRole('button', { name: 'Crea segnalazione' }).click();
    await page
      .getByRole('status')
      .filter({ hasText: 'Il messaggio è stato scartato: non può diventare una segnalazione.' })
      .waitFor();
    await expect.poll(() => rows.count()).toBe(1);
    expect(await page.getByRole('form', { name: 'Conferma segnalazione' }).count()).toBe(0);
    expect(db().prepare('SELECT count(*) AS n FROM reports WHERE id = ?').get(taken.reportId)).toEqual({
      n: 0,
    });
  });
});
