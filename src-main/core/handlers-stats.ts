/**
 * Handlers of the supervisors' capability: exports (permission "esportazione"),
 * statistics ("statistiche"), map points, tiles and addresses. Permissions are checked
 * here, in the core, whatever the UI shows.
 */
import { dirname } from 'node:path';
import type { ApiEvents, CallName } from '../../src-shared/api';
import { DomainError, hasPermission, isAdmin } from '../../src-shared/domain';
import { createExportJobs } from '../export/export-jobs';
import {
  geocode,
  getMapSettings,
  getTile,
  importStreets,
  mapPoints,
  saveMapSettings,
  reverseGeocode,
  searchStreets,
} from '../stats/geo';
import { getStats } from '../stats/stats-read';
import type { CoreServices } from './context';
import type { PartialHandlers } from './handler-types';

type StatsCallNames = Extract<
  CallName,
  `exports.${string}` | `stats.${string}` | `map.${string}` | `geo.${string}`
>;

const OK = { ok: true as const };

export function statsHandlers(
  services: CoreServices,
  emit: (event: 'export.progress', payload: ApiEvents['export.progress']) => void,
  onClose?: (stop: () => Promise<void>) => void,
): PartialHandlers<StatsCallNames> {
  const dataDir = dirname(services.db.name);
  const jobs = createExportJobs({
    db: services.db,
    dataDir,
    clock: services.clock,
    newId: services.newId,
    municipality: services.municipality,
    onProgress: (p) => emit('export.progress', p),
  });
  // Closing the core cancels running exports (their partial files are removed).
  onClose?.(() => jobs.close());
  return {
    'exports.start': (ctx, input) => ({
      exportId: jobs.start(ctx.actor, input, ctx.host?.saveTo),
    }),
    'exports.status': (ctx, { exportId }) => jobs.status(ctx.actor, exportId),
    'exports.cancel': (ctx, { exportId }) => {
      jobs.cancel(ctx.actor, exportId);
      return OK;
    },
    'exports.download': (ctx, { exportId }) => jobs.download(ctx.actor, exportId),

    'stats.get': (ctx, period) => {
      if (!hasPermission(ctx.actor, 'statistics')) {
        throw new DomainError('forbidden', 'Non hai il permesso «statistiche».');
      }
      return getStats(ctx.db, ctx.actor, ctx.clock(), period);
    },

    'map.points': (ctx, { filters }) => mapPoints(ctx.db, filters, ctx.actor, ctx.clock()),
    'map.tile': async (ctx, t) => {
      const tile = await getTile(dataDir, getMapSettings(ctx.db), t);
      return { mime: tile.mime, dataBase64: tile.data.toString('base64'), cached: tile.cached };
    },
    'map.settings.get': (ctx) => getMapSettings(ctx.db),
    'map.settings.save': (ctx, s) => {
      if (!isAdmin(ctx.actor))
        throw new DomainError('forbidden', 'Operazione riservata agli amministratori.');
      saveMapSettings(ctx.db, s);
      return OK;
    },
    'geo.streets.import': (ctx, { csv, replace }) => {
      if (!isAdmin(ctx.actor))
        throw new DomainError('forbidden', 'Operazione riservata agli amministratori.');
      return importStreets(ctx.db, csv, replace);
    },
    'geo.reverse': (ctx, { lat, lon }) =>
      reverseGeocode(ctx.db, lat, lon, getMapSettings(ctx.db).geocoderUrl),
    'geo.search': async (ctx, { q, limit }) => {
      const local = searchStreets(ctx.db, q, limit);
      if (local.length >= limit) return local;
      const online = await geocode(getMapSettings(ctx.db).geocoderUrl, q, limit - local.length);
      return [...local, ...online];
    },
  };
}
