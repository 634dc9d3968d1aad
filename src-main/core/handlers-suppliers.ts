/** Rubrica fornitori, "Inoltra" and the notifications bell (see calls-suppliers.ts). */
import type { CallName } from '../../src-shared/api';
import type { AddressBookView } from '../../src-shared/api/calls-suppliers';
import {
  DomainError,
  canSeeReport,
  hasPermission,
  isAdmin,
  requireStaff,
  suggestRecipients,
} from '../../src-shared/domain';
import { getReportState, getUser } from '../db/repos/entities';
import { toAddressBookEntry, toCategory } from '../db/repos/rows';
import type { Sqlite } from '../db/migrate';
import type { MailOutService } from '../mail-out/service';
import { getSmtp } from '../mail-out/settings-repo';
import { listNotifications, markNotificationsRead } from '../notifications/notifications-repo';
import type { PartialHandlers } from './handler-types';

type Calls = Extract<CallName, `addressBook.${string}` | `forward.${string}` | `notifications.${string}`>;

const OK = { ok: true as const };

function addressBook(db: Sqlite): AddressBookView[] {
  return (
    db.prepare('SELECT * FROM address_book ORDER BY name COLLATE NOCASE, id').all() as Record<
      string,
      unknown
    >[]
  ).map(toAddressBookEntry);
}

export function supplierHandlers(m: MailOutService): PartialHandlers<Calls> {
  return {
    'addressBook.list': (ctx) => {
      requireStaff(ctx.actor, 'consultare la rubrica fornitori');
      const all = addressBook(ctx.db);
      return isAdmin(ctx.actor) ? all : all.filter((e) => e.active);
    },
    'addressBook.save': (ctx, input) => {
      const id = input.id ?? ctx.newId();
      ctx.store.mutate('addressBook.save', { ...input, id }, ctx.actor);
      return { id };
    },
    'forward.candidates': (ctx, { reportId }) => {
      requireStaff(ctx.actor, 'inoltrare segnalazioni');
      const st = getReportState(ctx.db, reportId);
      if (!st) throw new DomainError('not_found', 'Segnalazione non trovata.');
      const categories = (ctx.db.prepare('SELECT * FROM categories').all() as Record<string, unknown>[]).map(
        toCategory,
      );
      return suggestRecipients(addressBook(ctx.db), st.report.categoryId, categories);
    },
    'forward.send': (ctx, input) => {
      if (!hasPermission(ctx.actor, 'canReply'))
        throw new DomainError(
          'forbidden',
          'Non hai il permesso «può rispondere» per inviare email a nome dell’ente.',
        );
      // Like Rispondi: with a sync server the server sends when it applies report.forward.
      if (m.isAuthority() && !getSmtp(ctx.db)?.enabled)
        throw new DomainError(
          'validation',
          'L’invio di email non è configurato: un amministratore deve impostare l’account SMTP.',
        );
      const st = getReportState(ctx.db, input.reportId);
      if (!st || !canSeeReport(ctx.actor, st.assignments))
        throw new DomainError('not_found', 'Segnalazione non trovata o non accessibile.');
      const emailId = ctx.newId();
      ctx.store.mutate('report.forward', { ...input, emailId }, ctx.actor);
      return { emailId };
    },
    'notifications.list': (ctx, { limit }) => listNotifications(ctx.db, ctx.actor, ctx.clock(), limit),
    'notifications.markRead': (ctx, input) => {
      if ('ids' in input) {
        markNotificationsRead(ctx.db, ctx.actor.id, input.ids, ctx.clock());
        return OK;
      }
      // «Segna tutte come lette»: the list reads the newest unread ones a page at a time.
      for (let page = 0; page < 100; page++) {
        const ids = listNotifications(ctx.db, ctx.actor, ctx.clock(), 200)
          .items.filter((n) => !n.read)
          .map((n) => n.id);
        if (ids.length === 0) break;
        markNotificationsRead(ctx.db, ctx.actor.id, ids, ctx.clock());
      }
      return OK;
    },
    'notifications.prefs.get': (ctx) => {
      const u = getUser(ctx.db, ctx.actor.id);
      return { notifyByEmail: u?.notifyByEmail ?? false, email: u?.email ?? null };
    },
    'notifications.prefs.save': (ctx, input) => {
      ctx.store.mutate('user.setNotifications', { userId: ctx.actor.id, ...input }, ctx.actor);
      return OK;
    },
  };
}
