/**
 * A small, byte-faithful MIME splitter. mailparser flattens inline `message/rfc822`
 * parts (PEC's postacert.eml) into the outer text and hides the structure a classifier
 * needs (multipart/report, message/delivery-status, the raw bytes of an attached
 * message), so the intake walks the tree itself. A part's body is a view into the
 * message's bytes (never a copy, never a string of the whole message: a 1 MB attachment
 * used to be copied into a string of the whole message and once more to decode it);
 * headers are held as latin1 strings; nothing is decoded until a caller asks.
 */
export interface MimeNode {
  /** Lower-case header name → unfolded raw values, in order. */
  headers: Map<string, string[]>;
  /** e.g. 'multipart/mixed'; 'text/plain' when missing. */
  contentType: string;
  params: Record<string, string>;
  disposition: string | null;
  fileName: string | null;
  /** Raw (still transfer-encoded) body bytes: a view into the message. */
  body: Buffer;
  /** The same bytes as a latin1 string (made when asked). */
  readonly rawBody: string;
  children: MimeNode[];
  /** For message/rfc822 parts: the parsed inner message. */
  message: MimeNode | null;
}

const MAX_DEPTH = 16;
const LF = 0x0a;
const CR = 0x0d;
const DASH = 0x2d;

/** Where the header block ends (the first empty line, bare LF or CRLF): [end of head, start of body]. */
function headerEnd(buf: Buffer): [number, number] | null {
  const crlf = buf.indexOf('\n\r\n');
  // A bare-LF blank line can only come first when it lies before the CRLF one.
  const lf = (crlf < 0 ? buf : buf.subarray(0, crlf)).indexOf('\n\n');
  const nl = lf >= 0 ? lf : crlf;
  if (nl < 0) return null;
  const head = nl > 0 && buf[nl - 1] === CR ? nl - 1 : nl;
  return [head, nl + (lf >= 0 ? 2 : 3)];
}

export function parseMimeTree(raw: Buffer | string, depth = 0): MimeNode {
  const buf = typeof raw === 'string' ? Buffer.from(raw, 'latin1') : raw;
  const end = headerEnd(buf);
  const headText = buf.toString('latin1', 0, end ? end[0] : buf.length);
  const body = end ? buf.subarray(end[1]) : buf.subarray(buf.length);
  const headers = parseHeaders(headText);
  const ct = parseParams(first(headers, 'content-type') ?? 'text/plain');
  const cd = first(headers, 'content-disposition');
  const cdp = cd ? parseParams(cd) : null;
  let text: string | null = null;
  const node: MimeNode = {
    headers,
    contentType: ct.value || 'text/plain',
    params: ct.params,
    disposition: cdp?.value ?? null,
    fileName: cdp?.params.filename ?? ct.params.name ?? null,
    body,
    get rawBody() {
      return (text ??= body.toString('latin1'));
    },
    children: [],
    message: null,
  };
  if (depth >= MAX_DEPTH) return node;
  if (node.contentType.startsWith('multipart/') && ct.params.boundary) {
    node.children = splitMultipart(body, ct.params.boundary).map((p) => parseMimeTree(p, depth + 1));
  } else if (node.contentType === 'message/rfc822' || node.contentType === 'message/global') {
    node.message = parseMimeTree(decodeBody(node), depth + 1);
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

/** The parts of a multipart body (views into it), preamble and epilogue left out. */
export function splitMultipart(body: Buffer | string, boundary: string): Buffer[] {
  const buf = typeof body === 'string' ? Buffer.from(body, 'latin1') : body;
  const delim = Buffer.from('--' + boundary, 'latin1');
  const nextDelim = Buffer.from('\n--' + boundary, 'latin1');
  const parts: Buffer[] = [];
  const atStart = buf.length >= delim.length && buf.subarray(0, delim.length).equals(delim);
  let pos = atStart ? 0 : buf.indexOf(nextDelim);
  if (pos < 0) return parts;
  if (!atStart) pos += 1;
  for (;;) {
    const after = pos + delim.length;
    if (buf[after] === DASH && buf[after + 1] === DASH) break;
    const lineEnd = buf.indexOf(LF, after);
    if (lineEnd < 0) break;
    const next = buf.indexOf(nextDelim, lineEnd);
    let end = next < 0 ? buf.length : next;
    if (end > lineEnd + 1 && buf[end - 1] === CR) end--;
    parts.push(buf.subarray(lineEnd + 1, Math.max(lineEnd + 1, end)));
    if (next < 0) break;
    pos = next + 1;
  }
  return parts;
}

/**
 * The part's content with its Content-Transfer-Encoding undone. 7bit, 8bit and binary
 * parts answer a view into the message's bytes (no copy).
 */
export function decodeBody(node: MimeNode): Buffer {
  const cte = (first(node.headers, 'content-transfer-encoding') ?? '').toLowerCase().trim();
  // Buffer's decoder skips line breaks and stray characters by itself: copying (or even
  // scanning) a 1 MB body with a regular expression first was the slow part.
  if (cte === 'base64') return decodeBase64(node.body);
  if (cte === 'quoted-printable') {
    const s = node.rawBody
      .replace(/[ \t]+(\r?\n)/g, '$1')
      .replace(/=\r?\n/g, '')
      .replace(/=([0-9A-Fa-f]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
    return Buffer.from(s, 'latin1');
  }
  return node.body;
}

/** Bytes of base64 text decoded at a time: well under V8's 128 KB large-object size. */
const BASE64_PIECE = 60 * 1024;

/**
 * Base64 decoded a piece at a time. Decoding needs a string; the string of a body over
 * ~1 MB is allocated outside V8's heap, and 1 MB attachments left tens of MB of such
 * strings waiting for a major collection (RSS spikes of +30 MB in the 10k-message bench).
 * Pieces of whole lines, as encoders write them (every line the same length, a multiple
 * of 4), are short-lived heap strings. Anything else (ragged lines, stray characters: the
 * piece decodes to fewer bytes than its length says) is decoded whole, as before.
 */
function decodeBase64(body: Buffer): Buffer {
  const whole = () => Buffer.from(body.toString('latin1'), 'base64');
  if (body.length < 4 * BASE64_PIECE) return whole();
  const lf = body.indexOf(LF);
  const crlf = lf > 0 && body[lf - 1] === CR;
  const width = lf - (crlf ? 1 : 0);
  if (width <= 0 || width % 4 !== 0) return whole();
  const stride = lf + 1;
  const lines = Math.max(1, Math.floor(BASE64_PIECE / stride));
  const pieceBytes = lines * stride;
  const pieceOut = (lines * width * 3) / 4;
  const out = Buffer.allocUnsafe(Math.ceil((body.length * 3) / 4) + 3);
  let n = 0;
  let start = 0;
  while (body.length - start > pieceBytes) {
    const end = start + pieceBytes;
    for (let p = start + stride - 1; p < end; p += stride)
      if (body[p] !== LF || (crlf && body[p - 1] !== CR)) return whole();
    const w = out.write(body.toString('latin1', start, end), n, 'base64');
    if (w !== pieceOut) return whole();
    n += w;
    start = end;
  }
  n += out.write(body.toString('latin1', start), n, 'base64');
  return out.subarray(0, n);
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
