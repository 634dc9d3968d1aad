/** Messages between the map and its cluster worker (./cluster-worker.ts). */

/** Numbers per item in a query's answer: lat, lon, count, id, status. */
export const FIELDS = 5;

export type ClusterRequest =
  /** coords: lat, lon pairs; statuses: index in REPORT_STATUSES, same order. */
  | { type: 'load'; gen: number; coords: Float64Array; statuses: Uint8Array }
  | { type: 'query'; gen: number; req: number; bbox: [number, number, number, number]; zoom: number }
  | { type: 'expand'; gen: number; req: number; clusterId: number };

export type ClusterResponse =
  | { type: 'loaded'; gen: number }
  | { type: 'result'; gen: number; req: number; items: Float64Array }
  | { type: 'expand'; gen: number; req: number; zoom: number };
