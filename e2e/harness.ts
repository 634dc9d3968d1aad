/**
 * Each e2e file gets its own world: a fresh data folder with the demo municipality,
 * the real core behind the real browser host, and Debian's Chromium driven by
 * playwright-core (no downloaded browser).
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { createCore, type CoreInternals } from '../src-main/core/create-core';
import { startBrowserHost, type Host } from '../src-main/host/browser-host';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export interface E2EWorld {
  core: CoreInternals;
  host: Host;
  browser: Browser;
  dir: string;
  newPage(): Promise<Page>;
  close(): Promise<void>;
}

export async function startWorld(): Promise<E2EWorld> {
  const rendererDir = resolve('dist/renderer');
  if (!existsSync(join(rendererDir, 'index.html'))) {
    throw new Error('dist/renderer is missing: run "npm run build:renderer" (scripts/e2e.mjs does it).');
  }
  const dir = mkdtempSync(join(tmpdir(), 'sportello-e2e-'));
  const core = await createCore({ dataDir: dir, demo: true, validateOutput: true });
  const host = await startBrowserHost({ core, rendererDir });
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
  });
  return {
    core,
    host,
    browser,
    dir,
    async newPage() {
      const ctx = await browser.newContext({
        locale: 'it-IT',
        timezoneId: 'Europe/Rome',
        viewport: { width: 1400, height: 900 },
      });
      const page = await ctx.newPage();
      page.on('pageerror', (e) => console.error('[page error]', e.message));
      await page.goto(host.url);
      return page;
    },
    async close() {
      await browser.close();
      await host.close();
      core.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function login(page: Page, username: string, password: string) {
  await page.getByLabel('Nome utente').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Accedi' }).click();
  await page.getByRole('button', { name: 'Esci' }).waitFor();
}
