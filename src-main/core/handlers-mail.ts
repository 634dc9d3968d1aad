/**
 * Mailbox settings (administrators): list, save (password write-only), test connection;
 * the review inbox (clerks): list, confirm, discard.
 */
import { requireAdmin, requireStaff } from '../../src-shared/domain/permissions';
import { DomainError } from '../../src-shared/domain';
import { testImapConnection } from '../mail/connection-test';
import { getMailbox, listMailboxes, saveMailbox } from '../mail/mailboxes-repo';
import { fetchRemoteImages } from '../mail/remote-images';
import { confirmReview, discardReview, listReviewItems } from '../mail/review';
import type { MailService } from '../mail/service';
import type { PartialHandlers } from './handler-types';

type MailCall =
  | 'mailboxes.list'
  | 'mailboxes.save'
  | 'mailboxes.test'
  | 'mail.markReplySeen'
  | 'mail.remoteImages'
  | 'mailReview.list'
  | 'mailReview.confirm'
  | 'mailReview.discard';

export function mailHandlers(mail: MailService): PartialHandlers<MailCall> {
  return {
    'mailboxes.list': (ctx) => {
      requireAdmin(ctx.actor);
      return listMailboxes(ctx.db).map(({ passwordSealed, ...m }) => ({
        ...m,
        hasPassword: !!passwordSealed,
      }));
    },
    'mailboxes.save': async (ctx, input) => {
      requireAdmin(ctx.actor);
      const { id: givenId, password, ...settings } = input;
      const existing = givenId ? getMailbox(ctx.db, givenId) : null;
      if (givenId && !existing) throw new DomainError('not_found', 'Casella non trovata.');
      if (!existing && !password) throw new DomainError('validation', 'Indica la password della casella.');
      const row = {
        ...settings,
        id: existing?.id ?? ctx.newId(),
        processedFolder: settings.processedFolder || null,
        passwordSealed: password ? mail.cipher().encrypt(password) : existing!.passwordSealed,
        updatedAt: ctx.clock(),
      };
      saveMailbox(ctx.db, row);
      await mail.restart(row);
      return { id: row.id };
    },
    'mailboxes.test': async (ctx, input) => {
      requireAdmin(ctx.actor);
      const { id, password, ...settings } = input;
      let pass = password;
      if (!pass && id) {
        const existing = getMailbox(ctx.db, id);
        if (existing) pass = mail.cipher().decrypt(existing.passwordSealed);
      }
      if (!pass)
        return { ok: false, message: 'Indica la password per provare la connessione.', messages: null };
      return testImapConnection({ ...settings, password: pass });
    },
    'mail.markReplySeen': (ctx, { id }) => {
      ctx.store.mutate('report.markReplySeen', { reportId: id }, ctx.actor);
      return { ok: true as const };
    },
    'mail.remoteImages': async (ctx, { urls }) => {
      requireStaff(ctx.actor, 'caricare le immagini dei messaggi');
      return { images: await fetchRemoteImages(urls) };
    },
    'mailReview.list': (ctx) => listReviewItems(ctx, ctx.actor),
    'mailReview.confirm': (ctx, input) => confirmReview(ctx, ctx.actor, input),
    'mailReview.discard': (ctx, input) => discardReview(ctx, ctx.actor, input),
  };
}
