/**
 * One raw message → what the intake needs: sender, subject, readable text, sanitised
 * HTML, attachments with their hashes, and the MIME tree for the classifier. Any
 * charset (TextDecoder), encoded words and RFC 2231 names are decoded off the tree
 * (mime-decode.ts); winmail.dat is unpacked; parts past the size limit are left out
 * with a note, never silently.
 */
import { createHash } from 'node:crypto';
import { sanitizeFileName } from '../core/attachments-store';
import { htmlToText, sanitizeMailHtml } from './html';
import { bodyParts, headerAddresses, headerText, idTokens } from './mime-decode';
import { first, parseMimeTree, type MimeNode } from './mime-tree';
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

export async function parseMail(raw: Buffer, opts: ParseOptions = {}): Promise<ParsedMail> {
  const maxBytes = opts.maxBytes ?? DEFAULT_MAIL_MAX_BYTES;
  const tree = parseMimeTree(raw);
  const body = bodyParts(tree);
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
  for (const a of body.attachments) {
    const isMessage = a.mime === 'message/rfc822' || a.mime === 'message/global';
    const name = a.fileName ?? (isMessage ? 'messaggio.eml' : 'allegato');
    const content = a.content();
    if (isTnef(a.fileName, a.mime)) {
      const parts = unpackTnef(content);
      if (parts && parts.length > 0) {
        notes.push(
          `Contenuto di «${sanitizeFileName(name)}» (formato Outlook) estratto in ${parts.length} allegati.`,
        );
        for (const p of parts) add(p.name, guessMime(p.name), p.data, false, null);
        continue;
      }
    }
    add(name, a.mime, content, a.inline, a.cid);
  }
  const rawHtml = body.htmls.join('<br>');
  const html = rawHtml.trim() ? sanitizeMailHtml(rawHtml) : null;
  let text = body.texts.join('\n').replace(/\r\n/g, '\n').trim();
  if (!text && html) text = htmlToText(html);
  const date = Date.parse(headerText(tree, 'date') ?? '');
  const messageId = idTokens(first(tree.headers, 'message-id'))[0] ?? null;
  return {
    messageId: messageId && !messageId.startsWith('<') ? `<${messageId}>` : messageId,
    inReplyTo: idTokens(first(tree.headers, 'in-reply-to')),
    references: (tree.headers.get('references') ?? []).flatMap(idTokens),
    from: headerAddresses(tree, 'from')[0] ?? null,
    replyTo: headerAddresses(tree, 'reply-to')[0] ?? null,
    to: headerAddresses(tree, 'to'),
    subject: (headerText(tree, 'subject') ?? '').replace(/\s+/g, ' ').trim(),
    date: Number.isNaN(date) ? null : date,
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
