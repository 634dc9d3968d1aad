import type { AttachmentView, LogView } from '../../src-shared/api';

/** Log actions the mail intake writes. */
export const MAIL_ACTIONS = [
  'mail_received',
  'mail_in',
  'mail_reply_seen',
  'pec_receipt',
  'mail_bounce',
  'mail_feedback',
] as const;

/** Entries that carry a message a clerk may read (the report's first email, a citizen's reply). */
export const isMailMessage = (e: Pick<LogView, 'action'>) =>
  e.action === 'mail_received' || e.action === 'mail_in';

const byTime = (a: Pick<LogView, 'at' | 'id'>, b: Pick<LogView, 'at' | 'id'>) =>
  a.at - b.at || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/**
 * The citizen's reply still waiting for a clerk: the latest 'mail_in' flagged newReply
 * with no 'mail_reply_seen' after it (the same rule as the core's reportsWithNewReply).
 */
export function pendingReply<E extends Pick<LogView, 'id' | 'at' | 'action' | 'data'>>(
  log: readonly E[],
): E | null {
  let pending: E | null = null;
  for (const e of [...log].sort(byTime)) {
    if (e.action === 'mail_in' && e.data?.newReply === true) pending = e;
    else if (e.action === 'mail_reply_seen') pending = null;
  }
  return pending;
}

/** The sanitised HTML the intake kept for this message (stored as a text/html attachment), if any. */
export function mailHtmlAttachment(
  entry: Pick<LogView, 'data'>,
  attachments: readonly AttachmentView[],
): AttachmentView | null {
  const ids = entry.data?.attachmentIds;
  if (!Array.isArray(ids)) return null;
  const own = new Set(ids.filter((x): x is string => typeof x === 'string'));
  return attachments.find((a) => own.has(a.id) && a.mime === 'text/html') ?? null;
}
