/**
 * The intake's sanitised email HTML turned into an iframe `srcdoc`. The frame is
 * `sandbox=""` (no script, an opaque origin, no forms, no popups), and its own CSP lets
 * in only inline styles and embedded (data:) images; remote images, rewritten by the
 * intake to `data-remote-src`, get their `src` back only when the clerk asks.
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

/** `data-remote-src` back to `src`, for http(s) addresses only. */
export function revealRemoteImages(html: string): string {
  return html.replace(REMOTE_SRC, (whole, value: string) =>
    HTTP_URL.test(decodeAttr(value)) ? ` src="${value}"` : whole,
  );
}

export function mailSrcdoc(html: string, opts: { remoteImages: boolean }): string {
  const img = opts.remoteImages ? 'img-src data: https: http:' : 'img-src data:';
  const csp = `default-src 'none'; style-src 'unsafe-inline'; ${img}; font-src data:`;
  const body = opts.remoteImages ? revealRemoteImages(html) : html;
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
