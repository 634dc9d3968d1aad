/**
 * A small, byte-faithful MIME splitter. mailparser flattens inline `message/rfc822`
 * parts (PEC's postacert.eml) into the outer text and hides the structure a classifier
 * needs (multipart/report, message/delivery-status, the raw bytes of an attached
 * message), so the intake walks the tree itself. Strings hold bytes as latin1: nothing
 * is decoded until a caller asks for a part's content.
 */
export interface MimeNode {
  /** Lower-case header name → unfolded raw values, in order. */
  headers: Map<string, string[]>;
  /** e.g. 'multipart/mixed'; 'text/plain' when missing. */
  contentType: string;
  params: Record<string, string>;
  disposition: string | null;
  fileName: string | null;
  /** Raw (still transfer-encoded) body, latin1. */
  rawBody: string;
  children: MimeNode[];
  /** For message/rfc822 parts: the parsed inner message. */
  message: MimeNode | null;
}

const MAX_DEPTH = 16;

export function parseMimeTree(raw: Buffer | string, depth = 0): MimeNode {
  const s = typeof raw === 'string' ? raw : raw.toString('latin1');
  const m = /\r?\n\r?\n/.exec(s);
  const headText = m ? s.slice(0, m.index) : s;
  const rawBody = m ? s.slice(m.index + m[0].length) : '';
  const headers = parseHeaders(headText);
  const ct = parseParams(first(headers, 'content-type') ?? 'text/plain');
  const cd = first(headers, 'content-disposition');
  const cdp = cd ? parseParams(cd) : null;
  const node: MimeNode = {
    headers,
    contentType: ct.value || 'text/plain',
    params: ct.params,
    disposition: cdp?.value ?? null,
    fileName: cdp?.params.filename ?? ct.params.name ?? null,
    rawBody,
    children: [],
    message: null,
  };
  if (depth >= MAX_DEPTH) return node;
  if (node.contentType.startsWith('multipart/') && ct.params.boundary) {
    node.children = splitMultipart(rawBody, ct.params.boundary).map((p) => parseMimeTree(p, depth + 1));
  } else if (node.contentType === 'message/rfc822' || node.contentType === 'message/global') {
    node.message = parseMimeTree(decodeBody(node).toString('latin1'), depth + 1);
  }
  return node;
}

export function first(headers: Map<string, string[]>, name: string): string | null {
  return headers.get(name)?.[0] ?? null;
}

export function parseHeaders(text: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const lines = text.split(/\r?\n/);
  let current: string | null = null;
  const flush = () => {
    if (current === null) return;
    const i = current.indexOf(':');
    if (i > 0) {
      const key = current.slice(0, i).trim().toLowerCase();
      const val = current
        .slice(i + 1)
        .replace(/\s+/g, ' ')
        .trim();
      const list = out.get(key);
      if (list) list.push(val);
      else out.set(key, [val]);
    }
    current = null;
  };
  for (const line of lines) {
    // mbox "From " separator lines are not headers.
    if (current === null && line.startsWith('From ')) continue;
    if (/^[ \t]/.test(line) && current !== null) current += ' ' + line.trim();
    else {
      flush();
      current = line;
    }
  }
  flush();
  return out;
}

/** `type/sub; a=b; c="d"` → value + lower-case params (RFC 2231 `x*=` decoded). */
export function parseParams(header: string): { value: string; params: Record<string, string> } {
  const parts = header.split(/;(?=(?:[^"]*"[^"]*")*[^"]*$)/);
  const value = (parts.shift() ?? '').trim().toLowerCase();
  const params: Record<string, string> = {};
  const continued: Record<string, string[]> = {};
  for (const p of parts) {
    const eq = p.indexOf('=');
    if (eq < 0) continue;
    let key = p.slice(0, eq).trim().toLowerCase();
    let v = p.slice(eq + 1).trim();
    if (v.startsWith('"') && v.endsWith('"') && v.length >= 2) v = v.slice(1, -1).replace(/\\(.)/g, '$1');
    const cont = /^(.+?)\*(\d+)?\*?$/.exec(key);
    if (cont) {
      key = cont[1]!;
      const star = p.slice(0, eq).trim().endsWith('*');
      if (star) v = decode2231(v, (continued[key] ?? []).length === 0);
      (continued[key] ??= []).push(v);
    } else params[key] = v;
  }
  for (const [k, vs] of Object.entries(continued)) params[k] = vs.join('');
  return { value, params };
}

function decode2231(v: string, firstSegment: boolean): string {
  let charset = 'utf-8';
  let text = v;
  if (firstSegment) {
    const m = /^([^']*)'[^']*'(.*)$/.exec(v);
    if (m) {
      charset = m[1] || 'utf-8';
      text = m[2]!;
    }
  }
  const bytes = Buffer.from(
    text.replace(/%([0-9a-f]{2})/gi, (_, h: string) => String.fromCharCode(parseInt(h, 16))),
    'latin1',
  );
  return decodeText(bytes, charset);
}

export function splitMultipart(body: string, boundary: string): string[] {
  const delim = '--' + boundary;
  const parts: string[] = [];
  let pos = body.startsWith(delim) ? 0 : body.indexOf('\n' + delim);
  if (pos < 0) return parts;
  if (!body.startsWith(delim)) pos += 1;
  for (;;) {
    const after = pos + delim.length;
    if (body.startsWith('--', after)) break;
    const lineEnd = body.indexOf('\n', after);
    if (lineEnd < 0) break;
    const next = body.indexOf('\n' + delim, lineEnd);
    let part = body.slice(lineEnd + 1, next < 0 ? body.length : next);
    if (part.endsWith('\r')) part = part.slice(0, -1);
    parts.push(part);
    if (next < 0) break;
    pos = next + 1;
  }
  return parts;
}

/** The part's content with its Content-Transfer-Encoding undone. */
export function decodeBody(node: MimeNode): Buffer {
  const cte = (first(node.headers, 'content-transfer-encoding') ?? '').toLowerCase().trim();
  // Buffer's decoder skips line breaks and stray characters by itself: copying (or even
  // scanning) a 1 MB body with a regular expression first was the slow part.
  if (cte === 'base64') return Buffer.from(node.rawBody, 'base64');
  if (cte === 'quoted-printable') {
    const s = node.rawBody
      .replace(/[ \t]+(\r?\n)/g, '$1')
      .replace(/=\r?\n/g, '')
      .replace(/=([0-9A-Fa-f]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
    return Buffer.from(s, 'latin1');
  }
  return Buffer.from(node.rawBody, 'latin1');
}

// 0x80–0x9F of windows-1252, the charset WHATWG (and every mail client) means by
// latin1/iso-8859-1/us-ascii. Node 20's TextDecoder decodes them as C1 controls instead.
const CP1252_HIGH = '€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008dŽ\u008f\u0090‘’“”•–—˜™š›œ\u009džŸ';
const CP1252_LABELS = new Set([
  'windows-1252',
  'cp1252',
  'x-cp1252',
  'latin1',
  'iso-8859-1',
  'iso8859-1',
  'iso_8859-1',
  'l1',
  'us-ascii',
  'ascii',
  'ansi_x3.4-1968',
  'cp819',
  'ibm819',
  'iso-ir-100',
]);

export function decodeText(bytes: Buffer, charset = 'utf-8'): string {
  const label = charset.trim().toLowerCase();
  if (CP1252_LABELS.has(label))
    return bytes.toString('latin1').replace(/[\x80-\x9f]/g, (c) => CP1252_HIGH[c.charCodeAt(0) - 0x80]!);
  try {
    return new TextDecoder(label).decode(bytes);
  } catch {
    return bytes.toString('latin1');
  }
}

/** A text part as a string, charset applied. */
export function partText(node: MimeNode): string {
  return decodeText(decodeBody(node), node.params.charset ?? 'utf-8');
}

/** Depth-first walk over parts, entering attached messages. */
export function* walk(node: MimeNode): Generator<MimeNode> {
  yield node;
  for (const c of node.children) yield* walk(c);
  if (node.message) yield* walk(node.message);
}

/** Walk that stays inside this message (does not enter attached messages). */
export function* walkOwn(node: MimeNode): Generator<MimeNode> {
  yield node;
  for (const c of node.children) yield* walkOwn(c);
}
