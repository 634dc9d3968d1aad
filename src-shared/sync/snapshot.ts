/**
 * GET /sync/v1/snapshot: a new staff replica's first download as one SQLite file.
 *
 * The server keeps a replica of its own (src-main/sync/seed), brought up to date from
 * PostgreSQL in the background and published as an immutable file: rows, indexes,
 * search index and derived tables already built. A new PC downloads it (resumable with
 * `Range` + `If-Range`), checks its SHA-256, takes it as its replica (keeping its own
 * local tables) and pulls the versions after `x-sportello-cursor` as usual. Building a
 * million-report replica row by row costs about two CPU minutes on a PC; the file is
 * written once on the server for every PC.
 *
 * Only for the staff view with reporters (the whole municipality): any other view, a
 * schema that differs from the client's, or no file yet answers 404 `no_snapshot` and
 * the client uses the NDJSON stream (bootstrap.ts).
 */
import { z } from 'zod';

export const SNAPSHOT_PATH = '/sync/v1/snapshot';

export const zSnapshotQuery = z.object({
  clientId: z.string().uuid(),
  /** The replica schema the client runs (see replicaSchemaTag): the file must match it. */
  schema: z.string().min(1).max(200),
});

export const SNAPSHOT_HEADERS = {
  cursor: 'x-sportello-cursor',
  sha256: 'x-sportello-sha256',
  reports: 'x-sportello-reports',
  rows: 'x-sportello-rows',
} as const;
