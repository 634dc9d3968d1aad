/**
 * Activity planning in real Chromium: a clerk plans a weekly activity on Monday and
 * Thursday from a report's detail, sees it in the week and month agenda (late ones
 * highlighted), completes one occurrence with a note, and finds it on the Cruscotto's
 * day when it falls today. axe-core checks the screens.
 */
import AxeBuilder from '@axe-core/playwright';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { romeDateKey, romeDayStart, romeParts, romeToMs } from '../src-shared/domain/activities/rome-time';
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
  expect(result.passes.length).toBeGreaterThan(5);
}

const TITLE = 'Controllo tombini del quartiere';

/** Monday and Thursday of the current week (Rome), 09:00. */
function thisWeek() {
  const today = romeDateKey(Date.now());
  const wd = romeParts(romeDayStart(today) + 12 * 3_600_000).weekday;
  const monday = romeDateKey(romeDayStart(today, 1 - wd) + 12 * 3_600_000);
  const thursday = romeDateKey(romeDayStart(monday, 3) + 12 * 3_600_000);
  const at9 = (key: string) => {
    const [y, m, d] = key.split('-').map(Number) as [number, number, number];
    return romeToMs(y, m, d, 9, 0);
  };
  return { today, monday, thursday, mondayAt: at9(monday), thursdayAt: at9(thursday) };
}

describe('activity planning', () => {
  it('plans a weekly activity on a report and sees it in the agenda', async () => {
    const week = thisWeek();
    const page = await w.newPage();
    await login(page, 'lucia.verdi', 'demo1234');

    await page.getByRole('link', { name: 'Segnalazioni' }).click();
    await page.getByTestId('report-row').first().click();
    const panel = page.getByTestId('activities-panel');
    await panel.waitFor();
    await panel.getByRole('button', { name: 'Nuova attività' }).click();

    const form = page.getByRole('form', { name: 'Nuova attività' });
    await form.getByLabel('Titolo').fill(TITLE);
    await form.getByLabel('Descrizione').fill('Verificare che i tombini siano al loro posto.');
    await form.getByLabel('Data', { exact: true }).fill(week.monday);
    await form.getByLabel('Ora di inizio').fill('09:00');
    await form.getByLabel('Durata (minuti)').fill('45');
    await form.getByLabel('Incaricato').selectOption({ label: 'Lucia Verdi' });
    await form.getByLabel('Si ripete').check();
    await form.getByLabel('Unità di ripetizione').selectOption('weekly');
    for (const day of ['lunedì', 'martedì', 'mercoledì', 'giovedì', 'venerdì', 'sabato', 'domenica']) {
      const box = form.getByRole('checkbox', { name: day, exact: true });
      if (day === 'lunedì' || day === 'giovedì') await box.check();
      else await box.uncheck();
    }
    await form.getByRole('radio', { name: /Per/ }).check();
    await form.getByLabel('Numero di volte').fill('6');
    await axe(page, 'form attività');
    await form.getByRole('button', { name: 'Salva attività' }).click();

    const series = panel.getByTestId('activity-series');
    await expect.poll(() => series.textContent()).toContain('Ogni settimana: lun, gio · 6 volte');
    await expect.poll(() => panel.getByTestId('activity-occurrence').count()).toBeGreaterThan(0);

    // The week's agenda: Monday and Thursday at 09:00.
    await page.getByRole('link', { name: 'Attività', exact: true }).click();
    await page.getByRole('link', { name: 'Settimana' }).click();
    const monday = page.locator(`section[data-day="${week.monday}"]`);
    const thursday = page.locator(`section[data-day="${week.thursday}"]`);
    await expect.poll(() => monday.textContent()).toContain(TITLE);
    expect(await monday.textContent()).toContain('09:00');
    expect(await thursday.textContent()).toContain(TITLE);
    for (const key of [week.monday, week.thursday]) {
      const item = page.locator(`section[data-day="${key}"] [data-testid="agenda-item"]`, { hasText: TITLE });
      const start = key === week.monday ? week.mondayAt : week.thursdayAt;
      // Late (planned end passed, not done) ones are highlighted.
      expect(await item.evaluate((el) => el.classList.contains('overdue'))).toBe(
        start + 45 * 60_000 < Date.now(),
      );
    }
    const others = page.locator('section[data-day] [data-testid="agenda-item"]', { hasText: TITLE });
    expect(await others.count()).toBe(2);
    await axe(page, 'agenda settimana');

    // The month shows every occurrence of this month.
    await page.getByRole('link', { name: 'Mese' }).click();
    await page.getByRole('table', { name: 'Agenda del mese' }).waitFor();
    await expect.poll(() => page.locator(`td[data-day="${week.monday}"]`).textContent()).toContain(TITLE);
    await axe(page, 'agenda mese');

    // Completing Monday's occurrence from the list, with a note.
    await page.getByRole('link', { name: 'Elenco' }).click();
    await page.getByLabel('Dal').fill(week.monday);
    const first = page.getByTestId('activity-occurrence').filter({ hasText: TITLE }).first();
    await first.waitFor();
    await first.getByRole('button', { name: 'Completa' }).click();
    await first.getByLabel('Nota di completamento (facoltativa)').fill('Tutti al loro posto');
    await first.getByRole('button', { name: 'Conferma completamento' }).click();
    const done = page.getByTestId('activity-occurrence').filter({ hasText: 'Tutti al loro posto' });
    await done.waitFor();
    expect(await done.textContent()).toContain('Completata');

    // The Cruscotto lists today's activities.
    await page.getByRole('link', { name: 'Cruscotto' }).click();
    const today = page.getByTestId('today-activities');
    await today.waitFor();
    await axe(page, 'cruscotto');
    const isToday = week.today === week.monday || week.today === week.thursday;
    await expect.poll(async () => ((await today.textContent()) ?? '').includes(TITLE)).toBe(isToday);
  });
});
