/**
 * Attachment bytes travel apart from rows, by SHA-256. The client uploads the bytes a
 * mutation references before pushing that mutation, so the server never holds an
 * attachments row whose file it lacks; replicas download what their rows reference.
 */
import { z } from 'zod';

/** Largest file the server accepts (the PC's own limit is lower: 25 MB by default). */
export const MAX_BLOB_BYTES = 64 * 1024 * 1024;

export const zSha256 = z.string().regex(/^[0-9a-f]{64}$/, 'hash SHA-256 non valido');

export const zBlobsMissingRequest = z.object({ hashes: z.array(zSha256).max(1000) });
export const zBlobsMissingResponse = z.object({ missing: z.array(zSha256) });

export const blobPath = (sha256: string) => `/sync/v1/blobs/${sha256}`;

interface AttachmentLike {
  sha256?: unknown;
  mime?: unknown;
}

/**
 * The files a mutation's arguments reference: `attachment` (report.addAttachment,
 * report.mailNotice) and `attachments[]` (mail intake). Read by shape, so a new mutation
 * carrying attachments the same way is covered without a list to keep up to date.
 */
export function blobsOfArgs(args: unknown): { sha256: string; mime: string }[] {
  if (!args || typeof args !== 'object') return [];
  const a = args as { attachment?: AttachmentLike; attachments?: unknown };
  const found: AttachmentLike[] = [];
  if (a.attachment && typeof a.attachment === 'object') found.push(a.attachment);
  if (Array.isArray(a.attachments)) {
    for (const x of a.attachments) if (x && typeof x === 'object') found.push(x as AttachmentLike);
  }
  return found
    .filter((x) => typeof x.sha256 === 'string' && zSha256.safeParse(x.sha256).success)
    .map((x) => ({
      sha256: x.sha256 as string,
      mime: typeof x.mime === 'string' ? x.mime : 'application/octet-stream',
    }));
}
