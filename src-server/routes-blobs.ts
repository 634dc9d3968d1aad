/** /sync/v1/blobs: attachment bytes by SHA-256 (see blobs.ts for who may do what). */
import type { FastifyInstance } from 'fastify';
import { MAX_BLOB_BYTES, zBlobsMissingRequest, zSha256 } from '../src-shared/sync/blobs';
import { hasBlob, mayRead, missingBlobs, readBlob, sha256Of, storeBlob } from './blobs';
import type { ServerContext } from './context';
import { HttpError, parseBody } from './errors';

const NOT_FOUND = 'Allegato non trovato sul server.';

function shaParam(raw: string): string {
  const r = zSha256.safeParse(raw);
  if (!r.success) throw new HttpError(404, 'not_found', NOT_FOUND);
  return r.data;
}

/** A MIME type as declared by the uploader (informative: readers use their row's). */
function mimeOf(raw: unknown): string {
  const s = typeof raw === 'string' ? raw.trim().toLowerCase() : '';
  return /^[\w.+-]{1,100}\/[\w.+-]{1,100}$/.test(s) ? s : 'application/octet-stream';
}

export function blobRoutes(app: FastifyInstance, ctx: ServerContext): void {
  app.addContentTypeParser(
    'application/octet-stream',
    { parseAs: 'buffer', bodyLimit: MAX_BLOB_BYTES },
    (_req, body, done) => done(null, body),
  );

  app.post('/sync/v1/blobs/missing', async (req) => {
    await ctx.auth(req);
    const { hashes } = parseBody(zBlobsMissingRequest, req.body);
    return { missing: await missingBlobs(ctx.storage, hashes) };
  });

  app.put<{ Params: { sha256: string } }>(
    '/sync/v1/blobs/:sha256',
    { bodyLimit: MAX_BLOB_BYTES },
    async (req, reply) => {
      const session = await ctx.auth(req);
      const sha256 = shaParam(req.params.sha256);
      if (!Buffer.isBuffer(req.body)) {
        throw new HttpError(
          400,
          'validation',
          'Richiesta non valida: il file va inviato come application/octet-stream.',
        );
      }
      // Checked before the existence test: a wrong upload is refused even if the hash is known.
      if (sha256Of(req.body) !== sha256) {
        throw new HttpError(
          400,
          'hash_mismatch',
          'Il file ricevuto non corrisponde alla sua impronta (SHA-256): invio danneggiato o alterato.',
        );
      }
      // Idempotent: a blob already there is not written again.
      if (await hasBlob(ctx.storage, sha256)) return reply.code(200).send({ ok: true, stored: false });
      const stored = await storeBlob(ctx.storage, {
        sha256,
        data: req.body,
        mime: mimeOf(req.headers['x-sportello-mime']),
        userId: session.userId,
        now: ctx.clock(),
      });
      return reply.code(stored ? 201 : 200).send({ ok: true, stored });
    },
  );

  app.get<{ Params: { sha256: string } }>('/sync/v1/blobs/:sha256', async (req, reply) => {
    const session = await ctx.auth(req);
    const sha256 = shaParam(req.params.sha256);
    // Not visible and not present give the same answer: no way to probe for hashes.
    const blob = (await mayRead(ctx.storage, session.userId, sha256))
      ? await readBlob(ctx.storage, sha256)
      : null;
    if (!blob) throw new HttpError(404, 'not_found', NOT_FOUND);
    return reply
      .header('content-type', 'application/octet-stream')
      .header('x-sportello-mime', blob.mime)
      .header('cache-control', 'private, no-store')
      .send(blob.data);
  });
}
