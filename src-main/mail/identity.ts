/**
 * Deterministic ids: the same message pulled from the same mailbox always maps to the
 * same report, reporter and attachment ids, on every PC and on the server. UUIDv8
 * (RFC 9562 "custom") over a SHA-256 of the inputs.
 */
import { createHash } from 'node:crypto';

export function uuidFrom(...parts: string[]): string {
  const h = createHash('sha256').update(parts.join('\u0000')).digest();
  h[6] = 0x80 | (h[6]! & 0x0f);
  h[8] = 0x80 | (h[8]! & 0x3f);
  const x = h.subarray(0, 16).toString('hex');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}

const normId = (id: string) => id.trim().replace(/^<|>$/g, '').toLowerCase();

/**
 * The message's identity within a mailbox: its Message-ID; without one, its bytes
 * (stable across refetches and UIDVALIDITY changes, unlike a UID).
 */
export function mailKeyOf(mailboxId: string, messageId: string | null, rawSha256: string): string {
  return messageId
    ? uuidFrom('mail', mailboxId, 'mid', normId(messageId))
    : uuidFrom('mail', mailboxId, 'raw', rawSha256);
}

export const reportIdOf = (mailKey: string) => uuidFrom('report', mailKey);
export const attachmentIdOf = (mailKey: string, index: number) =>
  uuidFrom('attachment', mailKey, String(index));
/** A citizen's rubrica id from the address: two PCs adding them agree. */
export const reporterIdOf = (email: string) => uuidFrom('reporter', email.trim().toLowerCase());

/**
 * The mailbox's identity in mail keys: the account and folder it reads, not the id of
 * a settings row (a PC and the server configure the same mailbox under different row
 * ids, and must still derive the same report from the same message). The port and the
 * security are left out: the same mailbox over 993 or 143.
 */
export const mailboxIdentity = (m: { host: string; username: string; folder: string }) =>
  `imap:${m.username.trim().toLowerCase()}@${m.host.trim().toLowerCase()}/${m.folder.trim()}`;
