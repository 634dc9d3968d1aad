/**
 * The server's blob store (table `blobs`, see db/schema.ts) and who may read a blob.
 *
 * Uploads: any authenticated user, within MAX_BLOB_BYTES, bytes checked against their
 * hash. Uploads come before the rows that reference them (the client sends the bytes,
 * then the mutation), so the server cannot ask for a referencing row at upload time; a
 * blob nobody references is harmless storage, readable by nobody (see mayRead).
 *
 * Downloads: only through a non-deleted attachments row on a report the user may see,
 * the same rule as pull. Anything else answers exactly like a missing blob.
 */
import { createHash } from 'node:crypto';
import { loadActor } from './snapshot';
import type { Queryable } from './storage/storage';
import { viewerOf } from './visibility';

export const sha256Of = (data: Uint8Array) => createHash('sha256').update(data).digest('hex');

/** The subset of `hashes` the server does not hold. */
export async function missingBlobs(q: Queryable, hashes: string[]): Promise<string[]> {
  const wanted = [...new Set(hashes)];
  if (wanted.length === 0) return [];
  const rows = await q.query<{ sha256: string }>('SELECT sha256 FROM blobs WHERE sha256 = ANY($1::text[])', [
    wanted,
  ]);
  const have = new Set(rows.map((r) => r.sha256));
  return wanted.filter((h) => !have.has(h));
}

/** Stores the bytes once; true if they were new. The caller has checked the hash. */
export async function storeBlob(
  q: Queryable,
  blob: { sha256: string; data: Buffer; mime: string; userId: string; now: number },
): Promise<boolean> {
  const rows = await q.query<{ sha256: string }>(
    `INSERT INTO blobs (sha256, size, mime, data, created_at, created_by) VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (sha256) DO NOTHING RETURNING sha256`,
    [blob.sha256, blob.data.length, blob.mime, blob.data, blob.now, blob.userId],
  );
  return rows.length > 0;
}

export async function hasBlob(q: Queryable, sha256: string): Promise<boolean> {
  const rows = await q.query('SELECT 1 FROM blobs WHERE sha256 = $1', [sha256]);
  return rows.length > 0;
}

/** May this user read the blob: some visible, non-deleted attachments row references it. */
export async function mayRead(q: Queryable, userId: string, sha256: string): Promise<boolean> {
  const actor = await loadActor(q, userId);
  if (!actor) return false;
  const v = viewerOf(actor);
  const rows = v.supplier
    ? await q.query(
        `SELECT 1 FROM sync_rows a
          WHERE a.tbl = 'attachments' AND NOT a.deleted AND (a.data->>'sha256') = $1
            AND EXISTS (SELECT 1 FROM sync_rows r
                         WHERE r.tbl = 'reports' AND r.key = a.owner AND NOT r.deleted)
            AND EXISTS (SELECT 1 FROM sync_rows s
                         WHERE s.tbl = 'report_assignments' AND s.owner = a.owner AND NOT s.deleted
                           AND (s.data->>'assigneeId') = ANY($2::text[]))
          LIMIT 1`,
        [sha256, [v.userId, ...v.groupIds]],
      )
    : await q.query(
        `SELECT 1 FROM sync_rows a
          WHERE a.tbl = 'attachments' AND NOT a.deleted AND (a.data->>'sha256') = $1
            AND EXISTS (SELECT 1 FROM sync_rows r
                         WHERE r.tbl = 'reports' AND r.key = a.owner AND NOT r.deleted)
          LIMIT 1`,
        [sha256],
      );
  return rows.length > 0;
}

/** The bytes, or null (missing). */
export async function readBlob(q: Queryable, sha256: string): Promise<{ data: Buffer; mime: string } | null> {
  const [row] = await q.query<{ data: Uint8Array; mime: string }>(
    'SELECT data, mime FROM blobs WHERE sha256 = $1',
    [sha256],
  );
  if (!row) return null;
  const data = Buffer.isBuffer(row.data)
    ? row.data
    : Buffer.from(row.data.buffer, row.data.byteOffset, row.data.byteLength);
  return { data, mime: row.mime };
}
