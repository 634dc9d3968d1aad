/**
 * The map's cluster index, off the window's thread: building it for 50,000 reports took
 * a few hundred milliseconds during which the window could not repaint. The window
 * sends coordinates and statuses as transferable typed arrays (report ids stay with it,
 * by position) and asks for what lies in a box at a zoom; answers are packed the same way.
 */
import Supercluster from 'supercluster';
import type { ClusterRequest, ClusterResponse } from './cluster-protocol';
import { FIELDS } from './cluster-protocol';

type Props = { i: number; s: number };
let index: Supercluster<Props, Supercluster.AnyProps> | null = null;
let gen = -1;

const post = (m: ClusterResponse, transfer: Transferable[] = []) =>
  (self as unknown as { postMessage(m: unknown, t: Transferable[]): void }).postMessage(m, transfer);

self.onmessage = (e: MessageEvent<ClusterRequest>) => {
  const m = e.data;
  if (m.type === 'load') {
    const n = m.statuses.length;
    const features = new Array<Supercluster.PointFeature<Props>>(n);
    for (let i = 0; i < n; i++) {
      features[i] = {
        type: 'Feature',
        geometry: { type: 'Point', coordinates: [m.coords[2 * i + 1]!, m.coords[2 * i]!] },
        properties: { i, s: m.statuses[i]! },
      };
    }
    index = new Supercluster<Props>({ radius: 60, maxZoom: 18 }).load(features);
    gen = m.gen;
    post({ type: 'loaded', gen });
  } else if (m.type === 'query') {
    if (!index || m.gen !== gen) return;
    const items = index.getClusters(m.bbox, m.zoom);
    // Per item: lat, lon, count (0 = a single report), cluster id or report position, status.
    const out = new Float64Array(items.length * FIELDS);
    items.forEach((c, k) => {
      const p = c.properties as Supercluster.ClusterProperties & Partial<Props>;
      const o = k * FIELDS;
      out[o] = c.geometry.coordinates[1]!;
      out[o + 1] = c.geometry.coordinates[0]!;
      out[o + 2] = p.cluster ? p.point_count : 0;
      out[o + 3] = p.cluster ? p.cluster_id : p.i!;
      out[o + 4] = p.cluster ? -1 : p.s!;
    });
    post({ type: 'result', gen, req: m.req, items: out }, [out.buffer]);
  } else if (m.type === 'expand') {
    if (!index || m.gen !== gen) return;
    post({ type: 'expand', gen, req: m.req, zoom: index.getClusterExpansionZoom(m.clusterId) });
  }
};
