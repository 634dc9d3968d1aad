/**
 * Suite `map`: the Mappa screen in real Chromium (playwright-core, Debian's binary)
 * against the real core behind the browser host, with every report of a cached replica
 * on the map (all statuses). Replicas of 12,000 and 60,000 reports put about 10,000 and
 * 50,000 markers on it (some reports have no coordinates); `--reports N` runs one size.
 *
 * Per size (`10k`, `50k`: the markers, rounded):
 * - map_<k>_markers: markers actually on the map.
 * - map_<k>_first_render_ms: from opening the screen to the first frame after the
 *   clusters were painted (points fetched, indexed in the worker, painted).
 * - map_<k>_fetch_ms / map_<k>_index_ms: parts of that (map.points over HTTP; building
 *   the cluster index in the worker, which the window does not wait on).
 * - map_<k>_recluster_p95_ms: after each zoom or pan, from asking the worker for the new
 *   view's clusters to having them (off the window's thread), p95.
 * - map_<k>_redraw_p50_ms / _p95_ms / _max_ms: painting the clusters and reports on the
 *   canvas, the window's own work per gesture.
 * - map_<k>_frame_p50_ms / _p95_ms / _max_ms: frame intervals while zooming (mouse
 *   wheel) and panning (mouse drag), from a requestAnimationFrame loop in the page.
 *
 * Tiles point at a closed local port: the figures measure the markers, not a tile
 * server (the screen's offline path, which is the same drawing code).
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { createCore, DB_FILE, type CoreInternals } from '../core/create-core';
import { DEMO_OPERATOR } from '../core/demo/demo-data';
import { startBrowserHost, type Host } from '../host/browser-host';
import { DEFAULT_MAP_SETTINGS, saveMapSettings } from '../stats/geo';
import { defaultReplicaDir, ensureReplica } from './replica-cache';
import { log, percentile, round3 } from './stats';

/** What this suite calls smooth, per figure (documented in the README). */
export const MAP_TARGETS: Record<string, number> = {
  map_10k_first_render_ms: 1000,
  map_50k_first_render_ms: 2500,
  map_10k_redraw_p95_ms: 16,
  map_50k_redraw_p95_ms: 16,
  map_10k_frame_p95_ms: 34,
  map_50k_frame_p95_ms: 34,
};

const DEFAULT_SIZES = [12_000, 60_000];
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

interface Fig {
  suite: 'map';
  name: string;
  value: number;
  unit: string;
}

function newest(dir: string): number {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

/** The bench measures the renderer of this working tree: build it when older than its sources. */
function ensureRenderer(): string {
  const dir = resolve('dist/renderer');
  const built = join(dir, 'index.html');
  const stale =
    !existsSync(built) ||
    statSync(built).mtimeMs <
      Math.max(newest('src-renderer'), newest('src-shared'), statSync('index.html').mtimeMs);
  if (stale) {
    log('[bench] Compilo l’interfaccia (vite build)…');
    const r = spawnSync('npx', ['vite', 'build', '--logLevel', 'warn'], { stdio: ['ignore', 2, 2] });
    if (r.status !== 0) throw new Error('vite build non riuscito');
  }
  return dir;
}

async function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

/** Waits for a `map:clusters` answer beyond `after` and one more frame; returns the entry count. */
async function nextDraw(page: Page, after: number): Promise<number> {
  const got = await page.evaluate(async (n) => {
    const count = () => performance.getEntriesByName('map:clusters').length;
    const deadline = performance.now() + 15_000;
    while (count() <= n) {
      if (performance.now() > deadline) return -1;
      await new Promise((r) => requestAnimationFrame(r));
    }
    await new Promise((r) => requestAnimationFrame(r));
    return count();
  }, after);
  if (got < 0) {
    await page.screenshot({ path: '/tmp/map-bench-fail.png' });
    throw new Error('La mappa non ha ridisegnato dopo un gesto (schermata in /tmp/map-bench-fail.png).');
  }
  return got;
}

async function measureSize(
  browser: Browser,
  rendererDir: string,
  reports: number,
  put: (n: string, v: number, u: string) => void,
  dataDir?: string,
) {
  const replica = await ensureReplica(dataDir ?? defaultReplicaDir(reports), reports);
  const work = mkdtempSync(join(tmpdir(), 'sportello-bench-map-'));
  let core: CoreInternals | undefined;
  let host: Host | undefined;
  try {
    copyFileSync(replica.file, join(work, DB_FILE));
    core = await createCore({ dataDir: work });
    const db = core.services.db;
    const c = db
      .prepare('SELECT avg(lat) AS lat, avg(lon) AS lon, count(*) AS n FROM reports WHERE lat IS NOT NULL')
      .get() as {
      lat: number;
      lon: number;
      n: number;
    };
    saveMapSettings(db, {
      ...DEFAULT_MAP_SETTINGS,
      tileUrl: 'http://127.0.0.1:9/{z}/{x}/{y}.png',
      centerLat: c.lat,
      centerLon: c.lon,
      zoom: 13,
    });
    const k = `${Math.round(c.n / 10_000) * 10}k`;
    host = await startBrowserHost({ core, rendererDir });
    const ctx = await browser.newContext({
      locale: 'it-IT',
      timezoneId: 'Europe/Rome',
      viewport: { width: 1400, height: 900 },
    });
    // tsx compiles the functions handed to page.evaluate with esbuild's keepNames, whose
    // __name helper does not exist in the page.
    await ctx.addInitScript('globalThis.__name = (f) => f;');
    const page = await ctx.newPage();
    page.on('pageerror', (e) => log(`[page error] ${e.message}`));
    await page.goto(host.url);
    await page.getByLabel('Nome utente').fill(DEMO_OPERATOR.username);
    await page.getByLabel('Password').fill(DEMO_OPERATOR.password);
    await page.getByRole('button', { name: 'Accedi' }).click();
    await page.getByRole('button', { name: 'Esci' }).waitFor();
    // Every status, so every report with coordinates is a marker (the list's filters are the map's).
    await page.evaluate(() => (location.hash = '#/segnalazioni'));
    const closed = page.getByRole('checkbox', { name: 'Chiuso' });
    await closed.first().waitFor();
    if (!(await closed.first().isChecked())) await closed.first().check();

    log(`[bench] Mappa con ${c.n.toLocaleString('it-IT')} segnalazioni con coordinate…`);
    const first = await page.evaluate(async () => {
      performance.clearMeasures();
      const t0 = performance.now();
      location.hash = '#/mappa';
      while (performance.getEntriesByName('map:clusters').length === 0) {
        if (performance.now() - t0 > 60_000) throw new Error('la mappa non si è disegnata');
        await new Promise((r) => requestAnimationFrame(r));
      }
      await new Promise((r) => requestAnimationFrame(r));
      const m = (name: string) => performance.getEntriesByName(name)[0]?.duration ?? NaN;
      return { total: performance.now() - t0, fetch: m('map:fetch'), index: m('map:index') };
    });
    const countText = (await page.getByTestId('map-count').textContent()) ?? '';
    const shown = Number(/^\s*([\d.]+)/.exec(countText)?.[1]?.replace(/\./g, '') ?? NaN);
    put(`map_${k}_markers`, c.n, 'markers');
    if (shown !== c.n) log(`[bench]   attenzione: la mappa dice ${shown}, il database ${c.n}`);
    put(`map_${k}_first_render_ms`, first.total, 'ms');
    put(`map_${k}_fetch_ms`, first.fetch, 'ms');
    put(`map_${k}_index_ms`, first.index, 'ms');

    // Zoom in and out with the wheel (60 px: one zoom level in Leaflet), pan with drags,
    // as a person would; three times over.
    const box = (await page.getByRole('region', { name: 'Mappa delle segnalazioni' }).boundingBox())!;
    const cx = box.x + box.width / 2;
    const cy = box.y + box.height / 2;
    await page.evaluate(() => {
      const w = window as unknown as { __frames: number[]; __stop: boolean };
      w.__frames = [];
      w.__stop = false;
      let last = performance.now();
      const tick = (t: number) => {
        w.__frames.push(t - last);
        last = t;
        if (!w.__stop) requestAnimationFrame(tick);
      };
      requestAnimationFrame(tick);
    });
    let draws = await page.evaluate(() => performance.getEntriesByName('map:clusters').length);
    const paintStart = await page.evaluate(() => performance.getEntriesByName('map:draw').length);
    const drawStart = draws;
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < 4; i++) {
        await page.mouse.move(cx + i * 15, cy - i * 10);
        await page.mouse.wheel(0, -60);
        draws = await nextDraw(page, draws);
      }
      for (const [dx, dy] of [
        [260, 140],
        [-320, 60],
        [80, -260],
        [-200, -120],
        [300, 200],
        [-120, -40],
      ] as const) {
        await page.mouse.move(cx, cy);
        await page.mouse.down();
        await page.mouse.move(cx + dx, cy + dy, { steps: 12 });
        await page.mouse.up();
        draws = await nextDraw(page, draws);
      }
      for (let i = 0; i < 4; i++) {
        await page.mouse.move(cx - i * 15, cy + i * 10);
        await page.mouse.wheel(0, 60);
        draws = await nextDraw(page, draws);
      }
    }
    const { frames, redraws, reclusters } = await page.evaluate(
      ([from, paintFrom]) => {
        const w = window as unknown as { __frames: number[]; __stop: boolean };
        w.__stop = true;
        return {
          frames: w.__frames.slice(1),
          redraws: performance
            .getEntriesByName('map:draw')
            .slice(paintFrom)
            .map((e) => e.duration),
          reclusters: performance
            .getEntriesByName('map:clusters')
            .slice(from)
            .map((e) => e.duration),
        };
      },
      [drawStart, paintStart] as const,
    );
    put(`map_${k}_recluster_p95_ms`, percentile(reclusters, 95), 'ms');
    put(`map_${k}_redraw_p50_ms`, percentile(redraws, 50), 'ms');
    put(`map_${k}_redraw_p95_ms`, percentile(redraws, 95), 'ms');
    put(`map_${k}_redraw_max_ms`, Math.max(...redraws), 'ms');
    put(`map_${k}_frame_p50_ms`, percentile(frames, 50), 'ms');
    put(`map_${k}_frame_p95_ms`, percentile(frames, 95), 'ms');
    put(`map_${k}_frame_max_ms`, Math.max(...frames), 'ms');
    log(`[bench]   ${reclusters.length} gesti, ${redraws.length} ridisegni, ${frames.length} fotogrammi`);
    if (process.env.MAP_BENCH_DEBUG)
      log(
        JSON.stringify(
          await page.evaluate(() =>
            performance
              .getEntriesByName('map:draw')
              .map((e) => [Math.round(e.duration), (e as PerformanceMeasure).detail]),
          ),
        ),
      );
    await ctx.close();
  } finally {
    await host?.close();
    core?.close();
    rmSync(work, { recursive: true, force: true });
  }
}

export async function runMapBench(opts: { reports?: number; dataDir?: string }): Promise<Fig[]> {
  const figures: Fig[] = [];
  const put = (name: string, value: number, unit: string) => {
    const f: Fig = { suite: 'map', name, value, unit };
    figures.push(f);
    process.stdout.write(JSON.stringify({ ...f, value: round3(value) }) + '\n');
  };
  const rendererDir = ensureRenderer();
  const browser = await launch();
  try {
    for (const n of opts.reports ? [opts.reports] : DEFAULT_SIZES) {
      await measureSize(browser, rendererDir, n, put, opts.reports ? opts.dataDir : undefined);
    }
  } finally {
    await browser.close();
  }
  log('[bench] Riepilogo (obiettivi di fluidità, vedi README):');
  for (const [name, max] of Object.entries(MAP_TARGETS)) {
    const f = figures.find((x) => x.name === name);
    if (f)
      log(
        `  ${f.value <= max ? 'OK  ' : 'NO  '} ${name} = ${f.value.toFixed(1)} ${f.unit} (obiettivo ≤ ${max})`,
      );
  }
  return figures;
}
