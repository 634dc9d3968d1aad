import { describe, expect, it } from 'vitest';
import type { AttachmentView } from '../../src-shared/api';
import { mailHtmlAttachment, pendingReply } from './mail-log';

const e = (id: string, at: number, action: string, data: Record<string, unknown> | null = null) => ({
  id,
  at,
  action,
  data,
});

describe('pendingReply', () => {
  it('is the latest new reply not followed by mail_reply_seen', () => {
    expect(pendingReply([e('1', 1, 'created')])).toBeNull();
    const reply = e('2', 2, 'mail_in', { newReply: true });
    expect(pendingReply([reply, e('1', 1, 'created')])).toBe(reply);
    expect(pendingReply([reply, e('3', 3, 'mail_reply_seen')])).toBeNull();
    const again = e('4', 4, 'mail_in', { newReply: true });
    expect(pendingReply([again, e('3', 3, 'mail_reply_seen'), reply])).toBe(again);
    // Same millisecond: the id breaks the tie, as the core does.
    expect(pendingReply([e('b', 5, 'mail_reply_seen'), e('a', 5, 'mail_in', { newReply: true })])).toBeNull();
  });
});

describe('mailHtmlAttachment', () => {
  const att = (id: string, mime: string) => ({ id, mime, fileName: id }) as AttachmentView;
  it('finds the entry’s own text/html attachment', () => {
    const all = [att('eml', 'message/rfc822'), att('h', 'text/html'), att('other', 'text/html')];
    expect(mailHtmlAttachment({ data: { attachmentIds: ['eml', 'h'] } }, all)?.id).toBe('h');
    expect(mailHtmlAttachment({ data: { attachmentIds: ['eml'] } }, all)).toBeNull();
    expect(mailHtmlAttachment({ data: null }, all)).toBeNull();
  });
});
