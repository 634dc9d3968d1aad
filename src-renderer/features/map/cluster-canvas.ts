/**
 * Clusters and single reports painted on one canvas instead of one Leaflet layer (and
 * DOM node) per marker: rebuilding hundreds of markers on every zoom or pan cost up to
 * 150 ms a gesture at 10,000 reports; painting them in a few batched paths costs a
 * millisecond or two. Built on Leaflet's own canvas renderer, which already handles
 * padding, repositioning after a pan and the zoom animation; clicks are hit-tested
 * against what was painted. The cluster index lives in a worker (./cluster-worker.ts):
 * a new view is asked for when Leaflet repaints, and until the answer comes (a few
 * milliseconds) the previous one is painted where it now projects.
 */
import L from 'leaflet';
import { STATUS_COLORS } from './map-base';
import { FIELDS, type ClusterResponse } from './cluster-protocol';

/** As `map.points` sends them: id, lat, lon, status index. */
export type MapPoint = readonly [string, number, number, number];

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
  /** Replaces the points; resolves once the worker has indexed them. */
  load(points: readonly MapPoint[]): Promise<void>;
  /** What was painted under a layer point (within `slack` px of its edge), clusters first. */
  hit(p: L.Point, slack?: number): Painted | null;
  /** The zoom at which a cluster splits. */
  expansionZoom(clusterId: number): Promise<number>;
  destroy(): void;
}

const CLUSTER_FILL = 'rgba(47, 111, 196, 0.85)';
const POINT_R = 7;

export const clusterRadius = (n: number) => (26 + Math.min(24, Math.log2(n) * 3)) / 2;

const abbreviate = (n: number) =>
  n >= 10_000 ? `${Math.round(n / 1000)}k` : n >= 1000 ? `${Math.round(n / 100) / 10}k` : String(n);

type CanvasRenderer = L.Canvas & { _redraw(): void; _ctx?: CanvasRenderingContext2D; _bounds?: L.Bounds };

export function createClusterCanvas(map: L.Map): ClusterCanvas {
  const worker = new Worker(new URL('./cluster-worker.ts', import.meta.url), { type: 'module' });
  let gen = 0;
  let ids: string[] = [];
  let loaded = false;
  let onLoaded: (() => void) | null = null;
  /** The latest answer, packed as the worker sends it. */
  let last: Float64Array | null = null;
  let askedKey = '';
  let askedAt = 0;
  let req = 0;
  const expansions = new Map<number, (zoom: number) => void>();
  let expandReq = 0;
  let painted: Painted[] = [];

  worker.onmessage = (e: MessageEvent<ClusterResponse>) => {
    const m = e.data;
    if (m.gen !== gen) return;
    if (m.type === 'loaded') {
      loaded = true;
      onLoaded?.();
      ask(true);
    } else if (m.type === 'result') {
      // Only the answer for the view asked last is worth painting.
      if (m.req !== req) return;
      last = m.items;
      performance.measure('map:clusters', { start: askedAt, detail: { shown: m.items.length / FIELDS } });
      if (renderer._ctx) renderer._redraw();
    } else if (m.type === 'expand') {
      expansions.get(m.req)?.(m.zoom);
      expansions.delete(m.req);
    }
  };

  function ask(force: boolean) {
    const b = renderer._bounds;
    if (!loaded || !b) return;
    const sw = map.layerPointToLatLng(L.point(b.min!.x, b.max!.y));
    const ne = map.layerPointToLatLng(L.point(b.max!.x, b.min!.y));
    const bbox: [number, number, number, number] = [
      sw.lng,
      Math.max(-90, sw.lat),
      ne.lng,
      Math.min(90, ne.lat),
    ];
    const zoom = Math.round(map.getZoom());
    const key = `${bbox.join(',')}@${zoom}`;
    if (!force && key === askedKey) return;
    askedKey = key;
    askedAt = performance.now();
    worker.postMessage({ type: 'query', gen, req: ++req, bbox, zoom });
  }

  function paint(ctx: CanvasRenderingContext2D) {
    painted = [];
    ask(false);
    if (!last) return;
    const t0 = performance.now();
    const singles: Painted[][] = STATUS_COLORS.map(() => []);
    const clusters: (Painted & { label: string })[] = [];
    for (let o = 0; o < last.length; o += FIELDS) {
      const lat = last[o]!;
      const lon = last[o + 1]!;
      const count = last[o + 2]!;
      const p = map.latLngToLayerPoint([lat, lon]);
      if (count > 0) {
        const clusterId = last[o + 3]!;
        clusters.push({
          x: p.x,
          y: p.y,
          r: clusterRadius(count),
          lat,
          lon,
          clusterId,
          reportId: null,
          label: abbreviate(count),
        });
      } else {
        const q = {
          x: p.x,
          y: p.y,
          r: POINT_R,
          lat,
          lon,
          clusterId: null,
          reportId: ids[last[o + 3]!] ?? null,
        };
        singles[last[o + 4]!]?.push(q);
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
      detail: { shown: painted.length, clusters: clusters.length },
    });
  }

  // Leaflet calls _draw after every clear of its canvas (moveend, resize, zoom end).
  const Layer = L.Canvas.extend({
    _draw(this: { _ctx: CanvasRenderingContext2D }) {
      paint(this._ctx);
    },
  }) as unknown as new (o: L.RendererOptions) => CanvasRenderer;
  const renderer = new Layer({ padding: 0.3 });
  renderer.addTo(map);

  return {
    load(points) {
      gen++;
      loaded = false;
      last = null;
      askedKey = '';
      const n = points.length;
      const coords = new Float64Array(n * 2);
      const statuses = new Uint8Array(n);
      ids = new Array<string>(n);
      for (let i = 0; i < n; i++) {
        const [id, lat, lon, s] = points[i]!;
        ids[i] = id;
        coords[2 * i] = lat;
        coords[2 * i + 1] = lon;
        statuses[i] = s;
      }
      const done = new Promise<void>((resolve) => (onLoaded = resolve));
      worker.postMessage({ type: 'load', gen, coords, statuses }, [coords.buffer, statuses.buffer]);
      return done;
    },
    hit(p, slack = 2) {
      // The nearest within reach, so a keyboard user aiming with the view's centre
      // gets the marker closest to it.
      let best: Painted | null = null;
      let bestD = Infinity;
      for (let i = painted.length - 1; i >= 0; i--) {
        const q = painted[i]!;
        const d = Math.hypot(q.x - p.x, q.y - p.y) - q.r;
        if (d <= slack && d < bestD) {
          best = q;
          bestD = d;
        }
      }
      return best;
    },
    expansionZoom(clusterId) {
      const id = ++expandReq;
      return new Promise((resolve) => {
        expansions.set(id, resolve);
        worker.postMessage({ type: 'expand', gen, req: id, clusterId });
      });
    },
    destroy() {
      worker.terminate();
      renderer.remove();
    },
  };
}
