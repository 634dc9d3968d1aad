/**
 * What a report needs from a message, read straight off the MIME tree: decoded headers
 * (RFC 2047 encoded words, raw UTF-8), addresses, the body text and HTML, and the
 * attachment parts. Attachments are decoded natively (Buffer's base64) instead of
 * through mailparser's streams: on the intake's hot path that was most of the time and
 * most of the garbage (a 1 MB attachment went through several stream copies).
 */
import addressparser from 'nodemailer/lib/addressparser';
import { decodeBody, decodeText, first, partText, type MimeNode } from './mime-tree';

/** Header bytes (held as latin1) read as UTF-8 when they are valid UTF-8 (RFC 6532). */
export function utf8Fix(s: string): string {
  if (!/[\x80-\xff]/.test(s) || /[^\x00-\xff]/.test(s)) return s;
  const bytes = Buffer.from(s, 'latin1');
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return s;
  }
}

const WORD = /=\?([^?\s]+)\?([bBqQ])\?([^?\s]*)\?=/g;

/** RFC 2047: `=?charset?B|Q?text?=`, adjacent words joined, the rest left as is. */
export function decodeWords(s: string): string {
  if (!s.includes('=?')) return s;
  // Whitespace between two encoded words is not part of the text.
  const joined = s.replace(/(\?=)\s+(?==\?)/g, '$1');
  // Consecutive words in one charset are decoded together: a multi-byte character may be split across them.
  let out = '';
  let last = 0;
  let pending: { charset: string; bytes: Buffer[] } | null = null;
  const flush = () => {
    if (pending) out += decodeText(Buffer.concat(pending.bytes), pending.charset.split('*')[0]!);
    pending = null;
  };
  for (const m of joined.matchAll(WORD)) {
    const [whole, charset, enc, text] = m as unknown as [string, string, string, string];
    if (m.index > last) {
      flush();
      out += joined.slice(last, m.index);
    }
    const bytes =
      enc.toLowerCase() === 'b'
        ? Buffer.from(text, 'base64')
        : Buffer.from(
            text
              .replace(/_/g, ' ')
              .replace(/=([0-9A-Fa-f]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16))),
            'latin1',
          );
    if (pending && pending.charset.toLowerCase() !== charset.toLowerCase()) flush();
    pending ??= { charset, bytes: [] };
    pending.bytes.push(bytes);
    last = m.index + whole.length;
  }
  flush();
  return out + joined.slice(last);
}

export const headerText = (node: MimeNode, name: string): string | null => {
  const v = first(node.headers, name);
  return v === null ? null : decodeWords(utf8Fix(v));
};

export interface Address {
  name: string;
  address: string;
}

/** Every address in the header (groups flattened), names decoded, addresses lower case. */
export function headerAddresses(node: MimeNode, name: string): Address[] {
  const out: Address[] = [];
  for (const value of node.headers.get(name) ?? []) {
    const visit = (list: ReturnType<typeof addressparser>) => {
      for (const a of list) {
        if ('group' in a && a.group) visit(a.group);
        else if ('address' in a && a.address)
          out.push({
            name: decodeWords(a.name ?? '').trim(),
            address: a.address.trim().toLowerCase(),
          });
      }
    };
    visit(addressparser(utf8Fix(value)));
  }
  return out;
}

/** Message-ID style tokens (`<…>`) of a header; bare words when there are none. */
export function idTokens(v: string | null): string[] {
  if (!v) return [];
  const ids = v.match(/<[^<>\s]+>/g);
  return ids ?? v.split(/\s+/).filter(Boolean);
}

export interface BodyParts {
  texts: string[];
  htmls: string[];
  attachments: {
    node: MimeNode;
    fileName: string | null;
    mime: string;
    cid: string | null;
    inline: boolean;
    content(): Buffer;
  }[];
}

// A delivery report's machine part reads as text (as mailparser did): bounce parsing looks there.
const isBodyType = (t: string) => t === 'text/plain' || t === 'text/html' || t === 'message/delivery-status';

/** The message's own text, HTML and attachments (an attached message is one attachment). */
export function bodyParts(root: MimeNode): BodyParts {
  const out: BodyParts = { texts: [], htmls: [], attachments: [] };
  const visit = (node: MimeNode) => {
    if (node.contentType.startsWith('multipart/')) {
      for (const c of node.children) visit(c);
      // A multipart whose boundary never appears: its body is all there is to read.
      if (node.children.length === 0 && node.rawBody.trim()) out.texts.push(partText(node));
      return;
    }
    const named = node.fileName ? decodeWords(utf8Fix(node.fileName)) : null;
    const attached = node.disposition === 'attachment' || (named !== null && node.disposition !== 'inline');
    if (isBodyType(node.contentType) && !attached) {
      const text = partText(node);
      if (node.contentType === 'text/html') out.htmls.push(text);
      else out.texts.push(text);
      return;
    }
    const cid = first(node.headers, 'content-id')?.trim().replace(/^<|>$/g, '') || null;
    out.attachments.push({
      node,
      fileName: named,
      mime: node.contentType,
      cid,
      inline: !!cid && node.disposition !== 'attachment',
      content: () => decodeBody(node),
    });
  };
  visit(root);
  return out;
}
