/**
 * A Leaflet map whose tiles come through the core (`map.tile`): the core fetches them
 * from the configured source (OpenStreetMap, a municipality's WMS/WMTS), caches them
 * under the data folder, and answers from the cache when offline. The renderer thus
 * loads images only from blob: URLs and its CSP needs no outside host.
 * Without tiles the map keeps a plain background and the markers still show.
 */
import L from 'leaflet';
import 'leaflet/dist/leaflet.css';
import './map.css';
import type { MapSettings } from '../../../src-shared/api/calls-stats';
import { api } from '../../lib/api/client';
import { base64ToBlob } from '../../lib/files';

/** By index in REPORT_STATUSES: nuovo, in gestione, chiuso, aggregata. */
export const STATUS_COLORS = ['#2f6fc4', '#d98b1c', '#3c8d4f', '#7a8494'] as const;

export async function loadMapSettings(): Promise<MapSettings | null> {
  const res = await api.invoke('map.settings.get', {});
  return res.ok ? res.value : null;
}

const CoreTiles = L.GridLayer.extend({
  createTile(coords: L.Coords, done: L.DoneCallback) {
    const img = document.createElement('img');
    img.alt = '';
    img.setAttribute('role', 'presentation');
    void api.invoke('map.tile', { z: coords.z, x: coords.x, y: coords.y }).then((res) => {
      if (!res.ok) {
        (this as unknown as { _onTileFailed(): void })._onTileFailed();
        done(new Error(res.error.message), img);
        return;
      }
      const url = URL.createObjectURL(base64ToBlob(res.value.dataBase64, res.value.mime));
      img.onload = () => {
        URL.revokeObjectURL(url);
        done(undefined, img);
      };
      img.onerror = () => done(new Error('tile'), img);
      img.src = url;
    });
    return img;
  },
  _onTileFailed() {
    this.fire('tilefailed');
  },
});

export interface BaseMap {
  map: L.Map;
  destroy(): void;
}

/** `onTiles(false)` when a tile could not be had (offline and not cached). */
export function createBaseMap(
  el: HTMLElement,
  settings: MapSettings | null,
  onTiles: (ok: boolean) => void,
): BaseMap {
  const map = L.map(el, { preferCanvas: true, zoomControl: true, attributionControl: true }).setView(
    [settings?.centerLat ?? 41.9, settings?.centerLon ?? 12.5],
    settings?.zoom ?? 6,
  );
  const tiles = new (CoreTiles as unknown as new (o: L.GridLayerOptions) => L.GridLayer)({
    maxZoom: 19,
    attribution: settings?.attribution ?? '',
  });
  tiles.on('tilefailed', () => onTiles(false));
  tiles.on('tileload', () => onTiles(true));
  tiles.addTo(map);
  // The container changes size after the map is built (a notice appears above it, the
  // window is resized): without telling Leaflet, the view's centre and every hit test
  // would be off by the difference. Panning by half the difference keeps what was in the
  // middle in the middle (a report the view was centred on stays under the centre).
  const resized = new ResizeObserver(() => map.invalidateSize({ pan: true, animate: false }));
  resized.observe(el);
  return {
    map,
    destroy() {
      resized.disconnect();
      map.remove();
    },
  };
}
