/**
 * Attachment files live under <dataDir>/attachments/ab/cdef… named by their SHA-256:
 * identical files are stored once, a name never reaches the file system (no path
 * traversal whatever the citizen called the file), and sync can move them by hash.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdir, readFileSync, rename, unlink, writeFile } from 'node:fs';
import { promisify } from 'node:util';
import { dirname, join } from 'node:path';

export const DEFAULT_MAX_ATTACHMENT_BYTES = 25 * 1024 * 1024;
const THUMB_PX = 320;
const IMAGE_MIME = /^image\/(jpeg|png|gif|webp|avif|tiff)$/;

/** A file name safe to show and to offer as a download name, on Windows and macOS alike. */
export function sanitizeFileName(name: string): string {
  const base = name.replace(/\\/g, '/').split('/').pop() ?? '';
  let s = base
    .normalize('NFC')
    .replace(/[\u0000-\u001f\u007f<>:"|?*]/g, '_')
    .replace(/^[.\s]+/, '')
    .replace(/[.\s]+$/, '')
    .trim();
  if (/^(con|prn|aux|nul|com\d|lpt\d)(\..*)?$/i.test(s)) s = `_${s}`;
  if (!s) s = 'allegato';
  if (s.length > 200) {
    const dot = s.lastIndexOf('.');
    const ext = dot > 0 && s.length - dot <= 10 ? s.slice(dot) : '';
    s = s.slice(0, 200 - ext.length) + ext;
  }
  return s;
}

export function createAttachmentStore(dataDir: string) {
  const root = join(dataDir, 'attachments');
  const pathOf = (sha: string, suffix = '') => join(root, sha.slice(0, 2), sha.slice(2) + suffix);

  // The 256 fan-out folders, once made, stay: no mkdir system call per file.
  const made = new Set<string>();
  // Writes run on libuv's thread pool: creating a file costs a journal update (0.2 ms and
  // more on a virtual disk), which the mail intake paid three times per message on the
  // thread that also parses and commits. A unique temporary name per write, and one write
  // per path at a time, so two stores of the same bytes never interleave.
  // The callback API: fs/promises' writeFile goes through a FileHandle, measurably more
  // CPU per small file.
  const fsMkdir = promisify(mkdir);
  const fsWrite = promisify(writeFile);
  const fsRename = promisify(rename);
  const fsUnlink = promisify(unlink);
  let seq = 0;
  const writing = new Map<string, Promise<void>>();
  async function writeAtomic(path: string, data: Uint8Array) {
    const dir = dirname(path);
    if (!made.has(dir)) {
      await fsMkdir(dir, { recursive: true });
      made.add(dir);
    }
    const tmp = `${path}.${process.pid}.${++seq}.tmp`;
    try {
      await fsWrite(tmp, data);
      await fsRename(tmp, path);
    } catch (e) {
      await fsUnlink(tmp).catch(() => undefined);
      throw e;
    }
  }
  function writeOnce(path: string, data: Uint8Array): Promise<void> {
    let w = writing.get(path);
    if (!w) {
      w = (existsSync(path) ? Promise.resolve() : writeAtomic(path, data)).finally(() =>
        writing.delete(path),
      );
      writing.set(path, w);
    }
    return w;
  }

  return {
    root,
    /**
     * Stores the bytes (once per content) and a thumbnail for images; resolves once the
     * file is in place. `knownSha256`: the caller already hashed these very bytes (the
     * mail intake does), skip hashing again.
     */
    async put(
      data: Uint8Array,
      mime: string,
      knownSha256?: string,
    ): Promise<{ sha256: string; hasThumb: boolean }> {
      const sha256 = knownSha256 ?? createHash('sha256').update(data).digest('hex');
      const path = pathOf(sha256);
      // The preview is written before the file itself: whoever sees the file (has())
      // also finds its thumbnail, even while a download is still being stored.
      let hasThumb = existsSync(pathOf(sha256, '.thumb.webp'));
      if (!hasThumb && IMAGE_MIME.test(mime)) {
        try {
          const sharp = (await import('sharp')).default;
          const thumb = await sharp(data, { limitInputPixels: 100_000_000 })
            .rotate()
            .resize(THUMB_PX, THUMB_PX, { fit: 'inside', withoutEnlargement: true })
            .webp({ quality: 75 })
            .toBuffer();
          await writeOnce(pathOf(sha256, '.thumb.webp'), thumb);
          hasThumb = true;
        } catch {
          // Not a decodable image (or a broken one): the file is kept, without a preview.
          hasThumb = false;
        }
      }
      await writeOnce(path, data);
      return { sha256, hasThumb };
    },
    read(sha256: string, thumb = false): Buffer {
      if (!/^[0-9a-f]{64}$/.test(sha256)) throw new Error('hash non valido');
      return readFileSync(pathOf(sha256, thumb ? '.thumb.webp' : ''));
    },
    has: (sha256: string) => existsSync(pathOf(sha256)),
  };
}

export type AttachmentStore = ReturnType<typeof createAttachmentStore>;
