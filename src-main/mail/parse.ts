/**
 * One raw message → what the intake needs: sender, subject, readable text, sanitised
 * HTML, attachments with their hashes, and the MIME tree for the classifier. Any
 * charset, encoded words and RFC 2231 names are mailparser's job; winmail.dat is
 * unpacked; parts past the size limit are left out with a note, never silently.
 */
import { createHash } from 'node:crypto';
import { simpleParser, type AddressObject, type ParsedMail as MpParsed } from 'mailparser';
import { sanitizeFileName } from '../core/attachments-store';
import { htmlToText, sanitizeMailHtml } from './html';
import { parseMimeTree, type MimeNode } from './mime-tree';
import { isTnef, unpackTnef } from './tnef';

export const DEFAULT_MAIL_MAX_BYTES = 25 * 1024 * 1024;

export interface MailAddress {
  name: string;
  /** Lower case. */
  address: string;
}

export interface MailAttachment {
  fileName: string;
  mime: string;
  size: number;
  sha256: string;
  content: Buffer;
  /** An inline image of the HTML body (cid:). */
  inline: boolean;
  cid: string | null;
}

export interface ParsedMail {
  messageId: string | null;
  inReplyTo: string[];
  references: string[];
  from: MailAddress | null;
  replyTo: MailAddress | null;
  to: MailAddress[];
  subject: string;
  date: number | null;
  text: string;
  /** Sanitised; null when the message had no HTML part. */
  html: string | null;
  attachments: MailAttachment[];
  /** Italian notes for the clerk (parts left out, unpacked containers). */
  notes: string[];
  tree: MimeNode;
  rawSize: number;
}

export interface ParseOptions {
  maxBytes?: number;
}

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const mb = (n: number) => `${(n / (1024 * 1024)).toFixed(1).replace('.', ',')} MB`;

function firstAddress(a: AddressObject | AddressObject[] | undefined): MailAddress | null {
  return allAddresses(a)[0] ?? null;
}

function allAddresses(a: AddressObject | AddressObject[] | undefined): MailAddress[] {
  const out: MailAddress[] = [];
  for (const obj of a ? (Array.isArray(a) ? a : [a]) : []) {
    for (const v of obj.value) {
      if (v.address) out.push({ name: (v.name ?? '').trim(), address: v.address.trim().toLowerCase() });
      for (const g of v.group ?? []) {
        if (g.address) out.push({ name: (g.name ?? '').trim(), address: g.address.trim().toLowerCase() });
      }
    }
  }
  return out;
}

const idList = (v: string | string[] | undefined): string[] =>
  (Array.isArray(v) ? v : v ? v.split(/\s+/) : []).map((s) => s.trim()).filter(Boolean);

export async function parseMail(raw: Buffer, opts: ParseOptions = {}): Promise<ParsedMail> {
  const maxBytes = opts.maxBytes ?? DEFAULT_MAIL_MAX_BYTES;
  const tree = parseMimeTree(raw);
  const m: MpParsed = await simpleParser(raw, { keepCidLinks: true, skipImageLinks: true });
  const notes: string[] = [];
  const attachments: MailAttachment[] = [];
  let budget = maxBytes;
  const add = (name: string, mime: string, content: Buffer, inline: boolean, cid: string | null) => {
    if (content.length > budget) {
      notes.push(
        `Allegato «${sanitizeFileName(name)}» (${mb(content.length)}) non acquisito: supera il limite di ${mb(maxBytes)}.`,
      );
      return;
    }
    budget -= content.length;
    attachments.push({
      fileName: sanitizeFileName(name),
      mime: /^[\w.+-]+\/[\w.+-]+$/.test(mime) ? mime.toLowerCase() : 'application/octet-stream',
      size: content.length,
      sha256: sha256(content),
      content,
      inline,
      cid,
    });
  };
  for (const a of m.attachments) {
    const name = a.filename ?? (a.contentType === 'message/rfc822' ? 'messaggio.eml' : 'allegato');
    if (isTnef(a.filename ?? null, a.contentType)) {
      const parts = unpackTnef(a.content);
      if (parts && parts.length > 0) {
        notes.push(
          `Contenuto di «${sanitizeFileName(name)}» (formato Outlook) estratto in ${parts.length} allegati.`,
        );
        for (const p of parts) add(p.name, guessMime(p.name), p.data, false, null);
        continue;
      }
    }
    const cid = a.contentId ? a.contentId.replace(/^<|>$/g, '') : null;
    add(name, a.contentType, a.content, a.contentDisposition === 'inline' && !!cid, cid);
  }
  const html = typeof m.html === 'string' && m.html.trim() ? sanitizeMailHtml(m.html) : null;
  let text = (m.text ?? '').replace(/\r\n/g, '\n').trim();
  if (!text && html) text = htmlToText(html);
  return {
    messageId: m.messageId?.trim() || null,
    inReplyTo: idList(m.inReplyTo),
    references: idList(m.references),
    from: firstAddress(m.from),
    replyTo: firstAddress(m.replyTo),
    to: allAddresses(m.to),
    subject: (m.subject ?? '').replace(/\s+/g, ' ').trim(),
    date: m.date && !Number.isNaN(m.date.getTime()) ? m.date.getTime() : null,
    text,
    html,
    attachments,
    notes,
    tree,
    rawSize: raw.length,
  };
}

const EXT_MIME: Record<string, string> = {
  pdf: 'application/pdf',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  png: 'image/png',
  gif: 'image/gif',
  txt: 'text/plain',
  doc: 'application/msword',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xls: 'application/vnd.ms-excel',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  zip: 'application/zip',
  eml: 'message/rfc822',
};

export function guessMime(name: string): string {
  const ext = /\.([a-z0-9]+)$/i.exec(name)?.[1]?.toLowerCase() ?? '';
  return EXT_MIME[ext] ?? 'application/octet-stream';
}
