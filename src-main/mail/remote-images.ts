/**
 * "Mostra immagini remote", decided: the email's frame never reaches the network. A
 * srcdoc frame inherits the app's CSP (img-src 'self' data: blob:), so a remote `src` in
 * it is blocked whatever the frame's own CSP says, and widening the app's CSP to
 * `https:` would open every screen to remote content. Instead, when the clerk asks,
 * the core fetches the images (http/https only, public addresses only, images only,
 * size and count limits, no cookies, no referrer) and the frame gets them as data:
 * URLs under its unchanged `img-src data:` policy. The sender still learns that the
 * message was opened (that is what loading remote images means), but nothing else.
 */
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';

export const MAX_REMOTE_IMAGES = 30;
export const MAX_REMOTE_IMAGE_BYTES = 2 * 1024 * 1024;

export interface RemoteImageOptions {
  timeoutMs?: number;
  maxBytes?: number;
  /** Tests only: their image server listens on loopback. */
  allowPrivate?: boolean;
}

function privateAddress(ip: string): boolean {
  if (isIP(ip) === 6) {
    const v = ip.toLowerCase();
    if (v.startsWith('::ffff:')) return privateAddress(v.slice(7));
    return v === '::1' || v === '::' || /^(fc|fd|fe8|fe9|fea|feb)/.test(v);
  }
  const [a, b] = ip.split('.').map(Number) as [number, number];
  return (
    a === 10 ||
    a === 127 ||
    a === 0 ||
    (a === 169 && b === 254) ||
    (a === 172 && b >= 16 && b <= 31) ||
    (a === 192 && b === 168) ||
    (a === 100 && b >= 64 && b <= 127)
  );
}

/** One image as a data: URL, or null (not http(s), private address, not an image, too big, failed). */
export async function fetchRemoteImage(url: string, o: RemoteImageOptions = {}): Promise<string | null> {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return null;
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return null;
  const maxBytes = o.maxBytes ?? MAX_REMOTE_IMAGE_BYTES;
  try {
    if (!o.allowPrivate) {
      // A message must not make the core probe the municipality's own network.
      const host = u.hostname.replace(/^\[|\]$/g, '');
      const addrs = isIP(host) ? [host] : (await lookup(host, { all: true })).map((a) => a.address);
      if (addrs.length === 0 || addrs.some(privateAddress)) return null;
    }
    const res = await fetch(u, {
      redirect: 'error',
      referrerPolicy: 'no-referrer',
      credentials: 'omit',
      headers: { accept: 'image/*' },
      signal: AbortSignal.timeout(o.timeoutMs ?? 10_000),
    });
    const type = (res.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
    if (!res.ok || !/^image\/(png|gif|jpeg|webp|avif|bmp)$/.test(type)) return null;
    if (Number(res.headers.get('content-length') ?? 0) > maxBytes) return null;
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const c of res.body as unknown as AsyncIterable<Uint8Array>) {
      size += c.length;
      if (size > maxBytes) return null;
      chunks.push(Buffer.from(c));
    }
    return `data:${type};base64,${Buffer.concat(chunks).toString('base64')}`;
  } catch {
    return null;
  }
}

export async function fetchRemoteImages(
  urls: string[],
  o: RemoteImageOptions = {},
): Promise<{ url: string; dataUrl: string | null }[]> {
  const unique = [...new Set(urls)].slice(0, MAX_REMOTE_IMAGES);
  return Promise.all(unique.map(async (url) => ({ url, dataUrl: await fetchRemoteImage(url, o) })));
}
