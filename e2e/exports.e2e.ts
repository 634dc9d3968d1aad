/**
 * Esporta in the browser variant: the finished file arrives through the host's streamed
 * download route (no base64 through the API, no size limit), with its own name.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { login, startWorld, type E2EWorld } from './harness';

let w: E2EWorld;
beforeAll(async () => {
  w = await startWorld();
});
afterAll(async () => {
  await w?.close();
});

describe('exports in the browser', () => {
  it('Esporta → CSV downloads the same bytes the core wrote, through the streamed route', async () => {
    const page = await w.newPage();
    await login(page, 'admin', 'admin123');
    await page.getByRole('link', { name: 'Segnalazioni' }).first().click();
    const tickets: string[] = [];
    page.on('request', (r) => {
      if (r.url().includes('/api/export-')) tickets.push(new URL(r.url()).pathname);
    });
    await page.getByRole('button', { name: 'Esporta' }).click();
    const download = page.waitForEvent('download');
    await page.getByRole('menuitem', { name: 'CSV (Excel)' }).click();
    const d = await download;
    expect(d.suggestedFilename()).toMatch(/^segnalazioni-\d{8}-\d{4}-[\w-]+\.csv$/);
    const got = readFileSync((await d.path())!);
    const written = readdirSync(join(w.dir, 'exports')).filter((f) => f.endsWith('.csv'));
    expect(written).toEqual([d.suggestedFilename()]);
    expect(got.equals(readFileSync(join(w.dir, 'exports', written[0]!)))).toBe(true);
    // UTF-8 with BOM and a header row, as Italian Excel wants it.
    expect(got.subarray(0, 3).equals(Buffer.from([0xef, 0xbb, 0xbf]))).toBe(true);
    expect(tickets[0]).toBe('/api/export-ticket');
    expect(new URL(d.url()).pathname).toMatch(/^\/api\/export-file\/[\w-]{20,}$/);
    await page.getByText(`Esportazione pronta: ${d.suggestedFilename()}`).waitFor();
  });
});
