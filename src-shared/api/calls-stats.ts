/**
 * Calls of the supervisors' capability: exports, the statistics dashboard, the map
 * and the offline street list. Spread into `contract` at its end.
 */
import { z } from 'zod';
import { zId } from '../domain/schemas';
import { call, ok } from './call';

export const EXPORT_FORMATS = ['csv', 'xlsx', 'pdf'] as const;
export const zExportFormat = z.enum(EXPORT_FORMATS);
export type ExportFormat = z.infer<typeof zExportFormat>;

export const zExportStatus = z.object({
  exportId: z.string(),
  format: zExportFormat,
  state: z.enum(['running', 'done', 'failed', 'cancelled']),
  rows: z.number(),
  total: z.number().nullable(),
  fileName: z.string(),
  /** Where the core wrote the file. */
  path: z.string(),
  /**
   * True when the person chose `path` in the desktop save dialog: the file is already
   * where they wanted it and there is nothing to download.
   */
  userChosePath: z.boolean(),
  bytes: z.number(),
  error: z.string().nullable(),
  startedAt: z.number(),
  finishedAt: z.number().nullable(),
});
export type ExportStatus = z.infer<typeof zExportStatus>;

const zCount = z.object({ key: z.string(), label: z.string(), n: z.number() });
export type StatCount = z.infer<typeof zCount>;

export const zStats = z.object({
  from: z.number().nullable(),
  to: z.number().nullable(),
  total: z.number(),
  byStatus: z.object({ nuovo: z.number(), in_gestione: z.number(), chiuso: z.number() }),
  /** Parent categories (subcategories summed in) and each subcategory on its own. */
  byCategory: z.array(zCount.extend({ parentId: z.string().nullable() })),
  byChannel: z.array(zCount),
  byAssignee: z.array(zCount.extend({ kind: z.enum(['user', 'group']), open: z.number() })),
  /** Open reports past their deadline now (of those created in the period). */
  overdue: z.number(),
  /** Reports closed in the period, per category: days from creation to closing. */
  closeTimes: z.array(
    z.object({
      categoryId: z.string().nullable(),
      label: z.string(),
      n: z.number(),
      avgDays: z.number(),
      medianDays: z.number(),
    }),
  ),
  weekly: z.array(
    z.object({ start: z.number(), label: z.string(), created: z.number(), closed: z.number() }),
  ),
  monthly: z.array(
    z.object({ start: z.number(), label: z.string(), created: z.number(), closed: z.number() }),
  ),
});
export type Stats = z.infer<typeof zStats>;

export const zMapPoint = z.tuple([
  z.string(), // id
  z.number(), // lat
  z.number(), // lon
  z.number(), // status index in REPORT_STATUSES
]);
export const zMapSettings = z.object({
  /** XYZ template ({z}/{x}/{y}) or a WMS base URL when `kind` is 'wms'. */
  tileUrl: z.string().trim().url().max(500),
  kind: z.enum(['xyz', 'wms']),
  wmsLayers: z.string().max(200).default(''),
  attribution: z.string().max(300).default(''),
  /** Nominatim-compatible search URL; empty = off (addresses are personal data). */
  geocoderUrl: z.string().trim().max(500).default(''),
  centerLat: z.number().min(-90).max(90),
  centerLon: z.number().min(-180).max(180),
  zoom: z.number().int().min(1).max(19),
});
export type MapSettings = z.infer<typeof zMapSettings>;

export const zAddressHit = z.object({
  label: z.string(),
  lat: z.number(),
  lon: z.number(),
  source: z.enum(['stradario', 'geocoder']),
});
export type AddressHit = z.infer<typeof zAddressHit>;

const period = z.object({
  from: z.number().int().nullable().default(null),
  to: z.number().int().nullable().default(null),
});

/**
 * A function of the list's filter schema rather than an import of it: contract.ts
 * imports this file, so importing contract.ts back would be a cycle.
 */
export const statsCallsFor = <F extends z.ZodType, S extends readonly [string, ...string[]]>(
  zReportFilters: F,
  SORT_FIELDS: S,
) => ({
  // --- exports (permission "esportazione") -----------------------------------
  'exports.start': call(
    z.object({
      format: zExportFormat,
      filters: zReportFilters,
      sort: z
        .object({ field: z.enum(SORT_FIELDS), dir: z.enum(['asc', 'desc']) })
        .default({ field: 'createdAt', dir: 'desc' }),
      /** PDF only: the sheet of this one report instead of the list summary. */
      reportId: zId.nullable().default(null),
    }),
    z.object({ exportId: z.string() }),
  ),
  'exports.status': call(z.object({ exportId: z.string().max(64) }), zExportStatus),
  'exports.cancel': call(z.object({ exportId: z.string().max(64) }), ok),
  /** The finished file's bytes for the browser host (small files; see MAX_DOWNLOAD_BYTES). */
  'exports.download': call(
    z.object({ exportId: z.string().max(64) }),
    z.object({ fileName: z.string(), mime: z.string(), dataBase64: z.string() }),
  ),

  // --- dashboard (permission "statistiche") ----------------------------------
  'stats.get': call(period.default({ from: null, to: null }), zStats),

  // --- map -------------------------------------------------------------------
  'map.points': call(
    z.object({ filters: zReportFilters }),
    z.object({ points: z.array(zMapPoint), withoutPlace: z.number(), truncated: z.boolean() }),
  ),
  'map.tile': call(
    z.object({ z: z.number().int().min(0).max(22), x: z.number().int().min(0), y: z.number().int().min(0) }),
    z.object({ mime: z.string(), dataBase64: z.string(), cached: z.boolean() }),
  ),
  'map.settings.get': call(z.object({}).default({}), zMapSettings),
  'map.settings.save': call(zMapSettings, ok),
  'geo.streets.import': call(
    z.object({ csv: z.string().max(50_000_000), replace: z.boolean().default(true) }),
    z.object({ imported: z.number(), skipped: z.number(), errors: z.array(z.string()) }),
  ),
  'geo.search': call(
    z.object({ q: z.string().trim().min(2).max(200), limit: z.number().int().min(1).max(20).default(8) }),
    z.array(zAddressHit),
  ),
  /** The address at a point picked on the map (stradario first, geocoder if configured). */
  'geo.reverse': call(
    z.object({ lat: z.number().min(-90).max(90), lon: z.number().min(-180).max(180) }),
    zAddressHit.nullable(),
  ),
});
