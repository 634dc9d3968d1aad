/**
 * A citizen's email forwarded to the URP mailbox by a colleague: the citizen is the
 * reporter. Two shapes: the original attached as message/rfc822, or quoted inline
 * under a "Forwarded message" / "Messaggio inoltrato" / Outlook header block.
 */
import type { MailAddress } from './parse';
import { decodeBody, walkOwn, type MimeNode } from './mime-tree';

const FWD_SUBJECT = /^\s*(fwd?|fw|i|inoltro|inoltrato|tr|wg)\s*:/i;
const INLINE_MARKER =
  /^[ \t>]*(?:-{2,}\s*(?:forwarded message|messaggio inoltrato|original message|messaggio originale|mensaje reenviado|message transféré)\s*-{2,}|_{10,}|begin forwarded message:|inizio messaggio inoltrato:)[ \t]*$/im;

export interface InlineForward {
  from: MailAddress;
  subject: string | null;
}

/** The attached original of a forward-as-attachment, as raw bytes. */
export function attachedOriginal(tree: MimeNode, subject: string, text: string): Buffer | null {
  const parts = [...walkOwn(tree)].filter((n) => n !== tree && n.contentType === 'message/rfc822');
  if (parts.length !== 1) return null;
  if (!FWD_SUBJECT.test(subject) && text.replace(/\s+/g, ' ').trim().length > 300) return null;
  return decodeBody(parts[0]!);
}

/** The author of an inline-forwarded message, from the quoted header block. */
export function inlineForward(subject: string, text: string): InlineForward | null {
  const m = INLINE_MARKER.exec(text);
  if (!m) return null;
  if (!FWD_SUBJECT.test(subject) && !/inoltr|forward/i.test(m[0])) return null;
  const block = text
    .slice(m.index + m[0].length)
    .split('\n')
    .slice(0, 15)
    .map((l) => l.replace(/^[ \t>]*/, '').replace(/\*/g, ''));
  let from: MailAddress | null = null;
  let subj: string | null = null;
  for (const line of block) {
    const f = /^(?:from|da|de|von)\s*:\s*(.+)$/i.exec(line);
    if (f && !from) from = addressOf(f[1]!);
    const s = /^(?:subject|oggetto|asunto|objet|betreff)\s*:\s*(.+)$/i.exec(line);
    if (s && subj === null) subj = s[1]!.trim();
  }
  return from ? { from, subject: subj } : null;
}

function addressOf(s: string): MailAddress | null {
  const angle = /^(.*?)[<[]\s*(?:mailto:)?([^\s<>[\]]+@[^\s<>[\]]+)\s*[>\]]/.exec(s);
  if (angle) return { name: angle[1]!.replace(/["']/g, '').trim(), address: angle[2]!.toLowerCase() };
  const bare = /([^\s<>"]+@[^\s<>"]+\.[a-z]{2,})/i.exec(s);
  return bare
    ? {
        name: s
          .replace(bare[1]!, '')
          .replace(/["'<>()]/g, '')
          .trim(),
        address: bare[1]!.toLowerCase(),
      }
    : null;
}
