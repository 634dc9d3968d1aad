/**
 * Map and addresses: the list's reports as points, the tile source (proxied and cached
 * by the core, so tiles already seen work offline and the renderer's CSP needs no
 * outside host), the offline street list and the optional online geocoder.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parse } from 'csv-parse/sync';
import type { AddressHit, MapSettings } from '../../src-shared/api/calls-stats';
import type { ReportFilters } from '../../src-shared/api';
import type { Actor } from '../../src-shared/domain';
import { DomainError, REPORT_STATUSES } from '../../src-shared/domain';
import type { Sqlite } from '../db/migrate';
import { buildListQuery } from '../db/repos/reports-list';

export const MAX_MAP_POINTS = 100_000;

export const DEFAULT_MAP_SETTINGS: MapSettings = {
  tileUrl: 'https://tile.openstreetmap.org/{z}/{x}/{y}.png',
  kind: 'xyz',
  wmsLayers: '',
  attribution: '© OpenStreetMap contributors',
  geocoderUrl: '',
  centerLat: 41.9,
  centerLon: 12.5,
  zoom: 6,
};

export function getMapSettings(db: Sqlite): MapSettings {
  const row = db.prepare("SELECT value FROM geo_settings WHERE key = 'map'").pluck().get() as
    string | undefined;
  if (!row) return DEFAULT_MAP_SETTINGS;
  try {
    return { ...DEFAULT_MAP_SETTINGS, ...(JSON.parse(row) as Partial<MapSettings>) };
  } catch {
    return DEFAULT_MAP_SETTINGS;
  }
}

/** Local to this installation (not a synced mutation): which tile server this PC reaches. */
export function saveMapSettings(db: Sqlite, s: MapSettings): void {
  if (!/\{z\}.*\{x\}.*\{y\}/.test(s.tileUrl) && s.kind === 'xyz') {
    throw new DomainError('validation', 'L’indirizzo delle tessere deve contenere {z}, {x} e {y}.');
  }
  db.prepare(
    "INSERT INTO geo_settings (key, value) VALUES ('map', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
  ).run(JSON.stringify(s));
}

export function mapPoints(db: Sqlite, filters: ReportFilters, actor: Actor, now: number) {
  const b = buildListQuery(
    db,
    { filters, sort: { field: 'createdAt', dir: 'desc' }, offset: 0, limit: 1, withTotal: false },
    actor,
    now,
  );
  const where = b.where.length ? ' AND ' + b.where.join(' AND ') : '';
  const select = (order: string) =>
    db
      .prepare(
        `SELECT r.id, r.lat, r.lon, r.status FROM ${b.from} WHERE r.lat IS NOT NULL AND r.lon IS NOT NULL${where}
         ${order} LIMIT ${MAX_MAP_POINTS + 1}`,
      )
      .raw()
      .all(...b.params) as [string, number, number, string][];
  // The order only decides which points a truncated map keeps (the newest): when all
  // fit, skipping the sort reads the table once in its own order (about half the time
  // at 50,000 reports).
  let rows = select('');
  if (rows.length > MAX_MAP_POINTS) rows = select(`ORDER BY ${b.order}`);
  const withoutPlace = db
    .prepare(`SELECT count(*) FROM ${b.from} WHERE (r.lat IS NULL OR r.lon IS NULL)${where}`)
    .pluck()
    .get(...b.params) as number;
  const truncated = rows.length > MAX_MAP_POINTS;
  const points = rows
    .slice(0, MAX_MAP_POINTS)
    .map(
      ([id, lat, lon, s]) =>
        [id, lat, lon, REPORT_STATUSES.indexOf(s as never)] as [string, number, number, number],
    );
  return { points, withoutPlace, truncated };
}

// --- tiles -------------------------------------------------------------------

const EARTH = 20_037_508.342789244;

/** The URL of one tile for the configured source (XYZ template or WMS GetMap in EPSG:3857). */
export function tileUrl(s: MapSettings, z: number, x: number, y: number): string {
  if (s.kind === 'wms') {
    const size = (2 * EARTH) / 2 ** z;
    const minx = -EARTH + x * size;
    const maxy = EARTH - y * size;
    const q = new URLSearchParams({
      SERVICE: 'WMS',
      VERSION: '1.1.1',
      REQUEST: 'GetMap',
      LAYERS: s.wmsLayers,
      STYLES: '',
      SRS: 'EPSG:3857',
      BBOX: [minx, maxy - size, minx + size, maxy].map((v) => v.toFixed(2)).join(','),
      WIDTH: '256',
      HEIGHT: '256',
      FORMAT: 'image/png',
    });
    return `${s.tileUrl}${s.tileUrl.includes('?') ? '&' : '?'}${q.toString()}`;
  }
  const sub = 'abc'[(x + y) % 3]!;
  return s.tileUrl
    .replace('{z}', String(z))
    .replace('{x}', String(x))
    .replace('{y}', String(y))
    .replace('{s}', sub);
}

export async function getTile(
  dataDir: string,
  s: MapSettings,
  t: { z: number; x: number; y: number },
  fetchImpl: typeof fetch = fetch,
): Promise<{ mime: string; data: Buffer; cached: boolean }> {
  const n = 2 ** t.z;
  if (t.x >= n || t.y >= n) throw new DomainError('validation', 'Tessera fuori dalla mappa.');
  const url = tileUrl(s, t.z, t.x, t.y);
  const source = createHash('sha256')
    .update(`${s.kind}|${s.tileUrl}|${s.wmsLayers}`)
    .digest('hex')
    .slice(0, 16);
  const file = join(dataDir, 'tiles', source, String(t.z), String(t.x), `${t.y}.tile`);
  if (existsSync(file)) {
    const data = readFileSync(file);
    return { mime: data[0] === 0x89 ? 'image/png' : 'image/jpeg', data, cached: true };
  }
  let res: Response;
  try {
    res = await fetchImpl(url, {
      headers: { 'User-Agent': 'Sportello/0.1 (gestione segnalazioni dei Comuni)' },
      signal: AbortSignal.timeout(8_000),
    });
  } catch {
    throw new DomainError('not_found', 'Mappa di sfondo non raggiungibile (nessuna connessione?).');
  }
  const mime = res.headers.get('content-type') ?? '';
  if (!res.ok || !mime.startsWith('image/')) {
    throw new DomainError('not_found', `Il server della mappa ha risposto ${res.status}.`);
  }
  const data = Buffer.from(await res.arrayBuffer());
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, data);
  return { mime, data, cached: false };
}

// --- street list (stradario) ----------------------------------------------------

export const normalizeAddress = (s: string) =>
  s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9/]+/g, ' ')
    .trim();

const pick = (header: string[], names: RegExp) => header.findIndex((h) => names.test(normalizeAddress(h)));
const num = (v: string | undefined) => (v == null || !v.trim() ? NaN : Number(v.trim().replace(',', '.')));

/** CSV with a header: street (via/strada/denominazione), number (civico), lat, lon. ";" or ",". */
export function importStreets(db: Sqlite, csv: string, replace: boolean) {
  let records: string[][];
  try {
    const text = csv.replace(/^\uFEFF/, '');
    // The header decides the separator: with ';' the decimals may use commas.
    const head = text.slice(0, text.search(/\r?\n|$/));
    const delimiter = head.includes(';') ? ';' : head.includes('\t') ? '\t' : ',';
    records = parse(text, {
      delimiter,
      relax_column_count: true,
      skip_empty_lines: true,
      trim: true,
    }) as string[][];
  } catch (err) {
    throw new DomainError('validation', `Il file non è un CSV leggibile: ${(err as Error).message}`);
  }
  const header = records[0] ?? [];
  const iStreet = pick(header, /^(via|strada|street|denominazione|toponimo|indirizzo)/);
  const iNum = pick(header, /^(civico|numero|n|number|num)/);
  const iLat = pick(header, /^(lat|latitudine|latitude|y)$/);
  const iLon = pick(header, /^(lon|lng|long|longitudine|longitude|x)$/);
  if (iStreet < 0 || iLat < 0 || iLon < 0) {
    throw new DomainError(
      'validation',
      'Intestazione non riconosciuta: servono le colonne via, civico, lat e lon (civico facoltativo).',
    );
  }
  const errors: string[] = [];
  let imported = 0;
  let skipped = 0;
  const ins = db.prepare('INSERT INTO streets (street, number, lat, lon, norm) VALUES (?, ?, ?, ?, ?)');
  db.transaction(() => {
    if (replace) db.prepare('DELETE FROM streets').run();
    for (let i = 1; i < records.length; i++) {
      const r = records[i]!;
      const street = (r[iStreet] ?? '').trim();
      const number = iNum >= 0 ? (r[iNum] ?? '').trim() : '';
      const lat = num(r[iLat]);
      const lon = num(r[iLon]);
      if (!street || !(lat >= -90 && lat <= 90) || !(lon >= -180 && lon <= 180)) {
        skipped++;
        if (errors.length < 20) errors.push(`Riga ${i + 1}: via o coordinate non valide.`);
        continue;
      }
      ins.run(street, number, lat, lon, normalizeAddress(`${street} ${number}`));
      imported++;
    }
  })();
  return { imported, skipped, errors };
}

export function searchStreets(db: Sqlite, q: string, limit: number): AddressHit[] {
  const norm = normalizeAddress(q);
  if (norm.length < 2) return [];
  const toHit = (r: Record<string, unknown>): AddressHit => ({
    label: `${r.street as string}${r.number ? ` ${r.number as string}` : ''}`,
    lat: r.lat as number,
    lon: r.lon as number,
    source: 'stradario',
  });
  // Prefix on the index first ("via verdi 1…"), then anywhere ("verdi 1…").
  const prefix = db
    .prepare(
      'SELECT street, number, lat, lon FROM streets WHERE norm >= ? AND norm < ? ORDER BY norm LIMIT ?',
    )
    .all(norm, norm + '\uffff', limit) as Record<string, unknown>[];
  if (prefix.length >= limit) return prefix.map(toHit);
  const words = norm.split(' ');
  const more = db
    .prepare(
      `SELECT street, number, lat, lon FROM streets WHERE ${words.map(() => "(' ' || norm) LIKE ?").join(' AND ')}
       AND NOT (norm >= ? AND norm < ?) ORDER BY length(norm), norm LIMIT ?`,
    )
    .all(...words.map((w) => `% ${w}%`), norm, norm + '\uffff', limit - prefix.length) as Record<
    string,
    unknown
  >[];
  return [...prefix, ...more].map(toHit);
}

/** Nominatim-compatible search; only when an administrator configured a URL. */
export async function geocode(
  url: string,
  q: string,
  limit: number,
  fetchImpl: typeof fetch = fetch,
): Promise<AddressHit[]> {
  if (!url) return [];
  const u = new URL(url);
  u.searchParams.set('q', q);
  u.searchParams.set('format', 'jsonv2');
  u.searchParams.set('limit', String(limit));
  try {
    const res = await fetchImpl(u, {
      headers: { 'User-Agent': 'Sportello/0.1', 'Accept-Language': 'it' },
      signal: AbortSignal.timeout(5_000),
    });
    if (!res.ok) return [];
    const list = (await res.json()) as { display_name?: string; lat?: string; lon?: string }[];
    return list
      .filter((x) => x.display_name && x.lat && x.lon)
      .map((x) => ({
        label: x.display_name!,
        lat: Number(x.lat),
        lon: Number(x.lon),
        source: 'geocoder' as const,
      }));
  } catch {
    return [];
  }
}

const METRES_PER_DEGREE = 111_320;

/**
 * The address at a point: the nearest entry of the stradario within `maxMetres`, else the
 * configured geocoder's reverse lookup (off by default: coordinates of a citizen's report
 * are personal data too), else null.
 */
export async function reverseGeocode(
  db: Sqlite,
  lat: number,
  lon: number,
  geocoderUrl: string,
  maxMetres = 150,
  fetchImpl: typeof fetch = fetch,
): Promise<AddressHit | null> {
  const dLat = maxMetres / METRES_PER_DEGREE;
  const dLon = maxMetres / (METRES_PER_DEGREE * Math.cos((lat * Math.PI) / 180));
  const near = db
    .prepare('SELECT street, number, lat, lon FROM streets WHERE lat BETWEEN ? AND ? AND lon BETWEEN ? AND ?')
    .all(lat - dLat, lat + dLat, lon - dLon, lon + dLon) as {
    street: string;
    number: string;
    lat: number;
    lon: number;
  }[];
  let best: (typeof near)[number] | null = null;
  let bestD = Infinity;
  for (const r of near) {
    const dy = (r.lat - lat) * METRES_PER_DEGREE;
    const dx = (r.lon - lon) * METRES_PER_DEGREE * Math.cos((lat * Math.PI) / 180);
    const d = Math.hypot(dx, dy);
    if (d < bestD && d <= maxMetres) {
      best = r;
      bestD = d;
    }
  }
  if (best) {
    return {
      label: `${best.street}${best.number ? ` ${best.number}` : ''}`,
      lat: best.lat,
      lon: best.lon,
      source: 'stradario',
    };
  }
  if (!geocoderUrl) return null;
  try {
    const u = new URL(geocoderUrl);
    u.pathname = u.pathname.replace(/search\/?$/, 'reverse');
    u.search = '';
    u.searchParams.set('lat', String(lat));
    u.searchParams.set('lon', String(lon));
    u.searchParams.set('format', 'jsonv2');
    const res = await fetchImpl(u, {
      headers: { 'User-Agent': 'Sportello/0.1', 'Accept-Language': 'it' },
      signal: AbortSignal.timeout(5_000),
    });
    if (!res.ok) return null;
    const j = (await res.json()) as { display_name?: string; address?: Record<string, string> };
    const a = j.address ?? {};
    const road = a.road ?? a.pedestrian ?? a.square;
    const label = road ? `${road}${a.house_number ? ` ${a.house_number}` : ''}` : j.display_name;
    return label ? { label, lat, lon, source: 'geocoder' } : null;
  } catch {
    return null;
  }
}
