/**
 * Clusters and single reports painted on one canvas instead of one Leaflet layer (and
 * DOM node) per marker: rebuilding hundreds of markers on every zoom or pan cost up to
 * 150 ms a gesture at 10,000 reports; painting them in a few batched paths costs a
 * millisecond or two. Built on Leaflet's own canvas renderer, which already handles
 * padding, repositioning after a pan and the zoom animation; clicks are hit-tested
 * against what was painted.
 */
import L from 'leaflet';
import type Supercluster from 'supercluster';
import { STATUS_COLORS } from './map-base';

export type MapPointProps = { id: string; s: number };
type Index = Supercluster<MapPointProps, Supercluster.AnyProps>;

export interface Painted {
  /** Layer-pixel position and radius as painted. */
  x: number;
  y: number;
  r: number;
  lat: number;
  lon: number;
  /** A cluster's id (null for a single report). */
  clusterId: number | null;
  /** A single report's id (null for a cluster). */
  reportId: string | null;
}

export interface ClusterCanvas {
  setIndex(index: Index | null): void;
  /** What was painted under a layer point, clusters first. */
  hit(p: L.Point): Painted | null;
  destroy(): void;
}

const CLUSTER_FILL = 'rgba(47, 111, 196, 0.85)';
const POINT_R = 7;

export const clusterRadius = (n: number) => (26 + Math.min(24, Math.log2(n) * 3)) / 2;

export function createClusterCanvas(map: L.Map): ClusterCanvas {
  let index: Index | null = null;
  let painted: Painted[] = [];

  function paint(ctx: CanvasRenderingContext2D, b: L.Bounds) {
    painted = [];
    if (!index) return;
    const t0 = performance.now();
    const sw = map.layerPointToLatLng(L.point(b.min!.x, b.max!.y));
    const ne = map.layerPointToLatLng(L.point(b.max!.x, b.min!.y));
    const items = index.getClusters(
      [sw.lng, Math.max(-90, sw.lat), ne.lng, Math.min(90, ne.lat)],
      Math.round(map.getZoom()),
    );
    const singles: Painted[][] = STATUS_COLORS.map(() => []);
    const clusters: (Painted & { label: string })[] = [];
    for (const c of items) {
      const [lon, lat] = c.geometry.coordinates as [number, number];
      const p = map.latLngToLayerPoint([lat, lon]);
      const props = c.properties as Supercluster.ClusterProperties & Partial<MapPointProps>;
      if (props.cluster) {
        clusters.push({
          x: p.x,
          y: p.y,
          r: clusterRadius(props.point_count),
          lat,
          lon,
          clusterId: props.cluster_id,
          reportId: null,
          label: String(props.point_count_abbreviated),
        });
      } else {
        singles[props.s ?? 0]?.push({
          x: p.x,
          y: p.y,
          r: POINT_R,
          lat,
          lon,
          clusterId: null,
          reportId: props.id!,
        });
      }
    }
    // One path per colour: a fill and a stroke for all of them.
    ctx.lineWidth = 2;
    ctx.strokeStyle = '#fff';
    singles.forEach((list, s) => {
      if (!list.length) return;
      ctx.beginPath();
      for (const q of list) {
        ctx.moveTo(q.x + q.r, q.y);
        ctx.arc(q.x, q.y, q.r, 0, Math.PI * 2);
      }
      ctx.fillStyle = STATUS_COLORS[s]!;
      ctx.fill();
      ctx.stroke();
      painted.push(...list);
    });
    if (clusters.length) {
      ctx.beginPath();
      for (const q of clusters) {
        ctx.moveTo(q.x + q.r, q.y);
        ctx.arc(q.x, q.y, q.r, 0, Math.PI * 2);
      }
      ctx.fillStyle = CLUSTER_FILL;
      ctx.fill();
      ctx.stroke();
      ctx.fillStyle = '#fff';
      ctx.font = '700 12px system-ui, sans-serif';
      ctx.textAlign = 'center';
      ctx.textBaseline = 'middle';
      for (const q of clusters) ctx.fillText(q.label, q.x, q.y + 0.5);
      painted.push(...clusters);
    }
    performance.measure('map:draw', {
      start: t0,
      detail: { shown: items.length, clusters: clusters.length },
    });
  }

  // Leaflet calls _draw after every clear of its canvas (moveend, resize, zoom end).
  const Layer = L.Canvas.extend({
    _draw(this: { _ctx: CanvasRenderingContext2D; _bounds: L.Bounds }) {
      paint(this._ctx, this._bounds);
    },
  }) as unknown as new (o: L.RendererOptions) => L.Canvas & { _redraw(): void; _ctx?: unknown };
  const renderer = new Layer({ padding: 0.3 });
  renderer.addTo(map);

  return {
    setIndex(next) {
      index = next;
      if (renderer._ctx) renderer._redraw();
    },
    hit(p) {
      for (let i = painted.length - 1; i >= 0; i--) {
        const q = painted[i]!;
        const dx = q.x - p.x;
        const dy = q.y - p.y;
        if (dx * dx + dy * dy <= (q.r + 2) * (q.r + 2)) return q;
      }
      return null;
    },
    destroy() {
      renderer.remove();
    },
  };
}
