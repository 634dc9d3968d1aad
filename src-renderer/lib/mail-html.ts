/**
 * The intake's sanitised email HTML turned into an iframe `srcdoc`. The frame is
 * `sandbox=""` (no script, an opaque origin, no forms, no popups), and its own CSP lets
 * in only inline styles and embedded (data:) images. Remote images, rewritten by the
 * intake to `data-remote-src`, are shown only when the clerk asks, and then as data:
 * URLs the core fetched (mail.remoteImages, src-main/mail/remote-images.ts): a srcdoc
 * frame inherits the app's CSP (img-src 'self' data: blob:), which blocks any remote
 * `src` anyway, and that CSP stays as strict as it is.
 */

const REMOTE_SRC = /\sdata-remote-src="([^"]*)"/gi;
const HTTP_URL = /^https?:\/\//i;

/** How many remote images the message would load (tracking pixels included). */
export function countRemoteImages(html: string): number {
  let n = 0;
  for (const m of html.matchAll(REMOTE_SRC)) if (HTTP_URL.test(decodeAttr(m[1] ?? ''))) n++;
  return n;
}

function decodeAttr(v: string): string {
  return v
    .replace(/&quot;/g, '"')
    .replace(/&#39;|&#x27;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

/** The http(s) addresses of the message's remote images, in order, once each. */
export function remoteImageUrls(html: string): string[] {
  const out = new Set<string>();
  for (const m of html.matchAll(REMOTE_SRC)) {
    const url = decodeAttr(m[1] ?? '');
    if (HTTP_URL.test(url)) out.add(url);
  }
  return [...out];
}

/** Remote images the core fetched (address → data: URL) put back as `src`; the others stay dark. */
export function revealRemoteImages(html: string, images: ReadonlyMap<string, string>): string {
  return html.replace(REMOTE_SRC, (whole, value: string) => {
    const url = decodeAttr(value);
    const data = HTTP_URL.test(url) ? images.get(url) : undefined;
    return data && /^data:image\/[a-z+.-]+;base64,[A-Za-z0-9+/=]+$/.test(data) ? ` src="${data}"` : whole;
  });
}

export function mailSrcdoc(
  html: string,
  /** `remoteImages`: ignored, kept for callers that say `false`; remote images come only as `images`. */
  opts: { images?: ReadonlyMap<string, string> | null; remoteImages?: boolean } = {},
): string {
  // Only data: images, fetched remote ones included: the frame itself never goes online.
  const csp = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; font-src data:";
  const body = opts.images ? revealRemoteImages(html, opts.images) : html;
  return (
    '<!doctype html><html lang="it"><head><meta charset="utf-8">' +
    `<meta http-equiv="Content-Security-Policy" content="${csp}">` +
    '<base target="_blank">' +
    '<style>body{margin:0.5rem;font:14px/1.45 system-ui,sans-serif;color:#1b2430;overflow-wrap:anywhere}' +
    'img{max-width:100%;height:auto}img[data-remote-src]{outline:1px dashed #9aa5b1}' +
    'table{max-width:100%}</style></head><body>' +
    body +
    '</body></html>'
  );
}

/** Attachment bytes (base64) → text, as UTF-8 (the intake stores the HTML so). */
export function decodeBase64Utf8(b64: string): string {
  const bin = atob(b64);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return new TextDecoder('utf-8').decode(bytes);
}
