import type { SnapshotInfo } from '../../../src-server/routes-snapshot';

/** Messages between the seed keeper (keeper.ts) and its SQLite worker (seed-worker.ts). */
export type ToSeedWorker =
  | { id: number; op: 'open'; file: string }
  /** Row lines of one page (NDJSON without the final newline), every version up to `cursor`. */
  | { id: number; op: 'rows'; body: string; cursor: number }
  | { id: number; op: 'publish'; file: string }
  /** Empties the seed (it came from another database). */
  | { id: number; op: 'reset' }
  | { id: number; op: 'close' };

export type FromSeedWorker =
  | { id: number; ok: true; cursor?: number; schema?: string; published?: PublishedSeed }
  | { id: number; ok: false; message: string };

/** A published snapshot as the worker describes it (the keeper adds the file's path). */
export type PublishedSeed = Omit<SnapshotInfo, 'file'>;
