/**
 * Threading: Sportello's outgoing Message-IDs carry the report id and an HMAC, so a
 * reply (In-Reply-To / References) finds its report and a forged id finds nothing.
 * Format: <seg.{reportId}.{nonce}{mac}@sportello>.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

const ID_RE =
  /<?seg\.([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.([0-9a-f]{8})([0-9a-f]{24})@sportello>?/i;
/** Subject tag with a report code, final (2026-000123) or provisional (2026-BKTZ-0007). */
const TAG_RE = /\[SEG-(\d{4}-(?:[B-DF-HJ-NP-TV-Z]{4}-\d{4,}|\d{6,}))\]/i;

const mac = (key: Buffer, reportId: string, nonce: string) =>
  createHmac('sha256', key).update(`${reportId.toLowerCase()}.${nonce}`).digest('hex').slice(0, 24);

/** A Message-ID for a message Sportello sends about a report (used by mail-out). */
export function mintMessageId(key: Buffer, reportId: string, nonce = randomBytes(4).toString('hex')): string {
  return `<seg.${reportId.toLowerCase()}.${nonce}${mac(key, reportId, nonce)}@sportello>`;
}

/** The report a Sportello Message-ID names, or null when it was not signed by us. */
export function verifyMessageId(key: Buffer, messageId: string): string | null {
  const m = ID_RE.exec(messageId);
  if (!m) return null;
  const [, reportId, nonce, got] = m as unknown as [string, string, string, string];
  const want = Buffer.from(mac(key, reportId, nonce.toLowerCase()), 'hex');
  const have = Buffer.from(got.toLowerCase(), 'hex');
  return want.length === have.length && timingSafeEqual(want, have) ? reportId.toLowerCase() : null;
}

/** Looks like one of ours (whether or not the signature holds). */
export const isSportelloMessageId = (id: string) => /@sportello>?$/i.test(id.trim());

export function subjectTag(subject: string): string | null {
  return TAG_RE.exec(subject)?.[1]?.toUpperCase() ?? null;
}

/** The subject tag Sportello puts on its emails about a report. */
export const formatSubjectTag = (code: string) => `[SEG-${code}]`;

/** The first report named by a signed id among In-Reply-To and References. */
export function threadReportId(key: Buffer, ids: string[]): string | null {
  for (const id of ids) {
    const r = verifyMessageId(key, id);
    if (r) return r;
  }
  return null;
}
