/** Mail-out calls: SMTP account and switches (administrators), outbox view, Riprova, Rispondi. */
import {
  DomainError,
  canSeeReport,
  hasPermission,
  requireAdmin,
  requireReporterData,
  requireStaff,
} from '../../src-shared/domain';
import { getReportState } from '../db/repos/entities';
import { reportRecipients } from '../mail-out/compose';
import { reporterDeliveryTrouble, reporterEmails } from '../mail-out/delivery-repo';
import { emailsOfReport, getEmail, requeue } from '../mail-out/outbox-repo';
import type { MailOutService } from '../mail-out/service';
import {
  getSmtp,
  getTemplate,
  listRules,
  listTemplates,
  replaceRules,
  saveSmtp,
  saveTemplate,
} from '../mail-out/settings-repo';
import { maskAddresses } from '../../src-shared/mail-out';
import type { PartialHandlers } from './handler-types';
import { remoteMailCall, serverRefusals } from './handlers-mailout-remote';

/**
 * The server's reply template (synced PC). Offline the template's name cannot be looked
 * up: the answer is recorded with its id alone rather than refused.
 */
async function serverTemplate(db: Parameters<typeof getTemplate>[0], id: string) {
  try {
    const list = await remoteMailCall(db, 'mailout.templates.list', {});
    return list.find((t) => t.id === id) ?? null;
  } catch (e) {
    if (e instanceof DomainError && e.code === 'unavailable')
      return { id, kind: 'reply' as const, name: null };
    throw e;
  }
}

type MailOutCall =
  | 'mailout.smtp.get'
  | 'mailout.smtp.save'
  | 'mailout.test'
  | 'mailout.rules.get'
  | 'mailout.rules.save'
  | 'mailout.templates.list'
  | 'mailout.templates.save'
  | 'mailout.forReport'
  | 'mailout.deliveryTrouble'
  | 'mailout.retry'
  | 'mailout.reply';

const OK = { ok: true as const };

export function mailOutHandlers(m: MailOutService): PartialHandlers<MailOutCall> {
  return {
    'mailout.smtp.get': (ctx) => {
      requireAdmin(ctx.actor);
      const a = getSmtp(ctx.db);
      if (!a) return null;
      const { passwordSealed, ...rest } = a;
      return { ...rest, hasPassword: passwordSealed !== '' };
    },
    'mailout.smtp.save': (ctx, { password, clearPassword, ...settings }) => {
      requireAdmin(ctx.actor);
      const existing = getSmtp(ctx.db);
      const passwordSealed = clearPassword
        ? ''
        : password
          ? m.cipher().encrypt(password)
          : (existing?.passwordSealed ?? '');
      if (settings.username && !passwordSealed)
        throw new DomainError('validation', 'Indica la password dell’account SMTP.');
      saveSmtp(ctx.db, { ...settings, passwordSealed, updatedAt: ctx.clock() });
      m.sender.resetTransport();
      void m.sender.poke();
      return OK;
    },
    'mailout.test': async (ctx, { to }) => {
      requireAdmin(ctx.actor);
      return m.sendTest(to);
    },
    'mailout.rules.get': (ctx) => {
      requireAdmin(ctx.actor);
      return { rules: listRules(ctx.db) };
    },
    'mailout.rules.save': (ctx, { rules }) => {
      requireAdmin(ctx.actor);
      replaceRules(ctx.db, rules);
      return OK;
    },
    'mailout.templates.list': (ctx) => {
      requireStaff(ctx.actor, 'usare i modelli di risposta');
      return listTemplates(ctx.db).filter((t) => t.active || ctx.actor.role === 'amministratore');
    },
    'mailout.templates.save': (ctx, input) => {
      requireAdmin(ctx.actor);
      if (input.id && !getTemplate(ctx.db, input.id))
        throw new DomainError('not_found', 'Modello non trovato.');
      const id = input.id ?? ctx.newId();
      saveTemplate(ctx.db, {
        id,
        kind: input.kind,
        name: input.name,
        subject: input.subject,
        body: input.body,
        active: input.active,
        updatedAt: ctx.clock(),
      });
      return { id };
    },
    'mailout.forReport': (ctx, { reportId }) => {
      requireStaff(ctx.actor, 'vedere le email inviate');
      const st = getReportState(ctx.db, reportId);
      if (!st || !canSeeReport(ctx.actor, st.assignments))
        throw new DomainError('not_found', 'Segnalazione non trovata o non accessibile.');
      const showTo = hasPermission(ctx.actor, 'seesReporterData');
      return emailsOfReport(ctx.db, reportId).map((e) => ({
        id: e.id,
        kind: e.kind,
        to: showTo ? e.to : null,
        subject: e.subject,
        status: e.status,
        attempts: e.attempts,
        lastError: e.lastError && !showTo ? maskAddresses(e.lastError) : e.lastError,
        createdAt: e.createdAt,
        sentAt: e.sentAt,
      }));
    },
    'mailout.deliveryTrouble': async (ctx, { reporterIds }) => {
      requireStaff(ctx.actor, 'vedere i problemi di recapito');
      requireReporterData(ctx.actor);
      // A synced PC sends nothing itself: the SMTP refusals are the server's. Offline,
      // the bounces and PEC receipts of the replicated log are still shown.
      const refusals = m.isAuthority()
        ? []
        : await serverRefusals(ctx.db, reporterEmails(ctx.db, reporterIds)).catch(() => []);
      return reporterDeliveryTrouble(ctx.db, reporterIds, refusals);
    },
    'mailout.retry': (ctx, { id }) => {
      requireStaff(ctx.actor, 'ritentare l’invio di un’email');
      const e = getEmail(ctx.db, id);
      const st = e?.reportId ? getReportState(ctx.db, e.reportId) : undefined;
      if (!e || (e.reportId && (!st || !canSeeReport(ctx.actor, st.assignments))))
        throw new DomainError('not_found', 'Email non trovata.');
      if (!requeue(ctx.db, id, ctx.clock()))
        throw new DomainError('conflict', 'Questa email non è in errore: non c’è nulla da ritentare.');
      void m.sender.poke();
      return OK;
    },
    'mailout.reply': async (ctx, input) => {
      if (!hasPermission(ctx.actor, 'canReply'))
        throw new DomainError('forbidden', 'Non hai il permesso «può rispondere» per scrivere ai cittadini.');
      // With a sync server the server derives and sends the email when it applies
      // report.logReply (src-server/mail-out): the answer is logged now, even offline,
      // and leaves once pushed; SMTP and templates are the server's settings.
      const synced = !m.isAuthority();
      if (!synced && !getSmtp(ctx.db)?.enabled)
        throw new DomainError(
          'validation',
          'L’invio di email non è configurato: un amministratore deve impostare l’account SMTP.',
        );
      const st = getReportState(ctx.db, input.reportId);
      if (!st || !canSeeReport(ctx.actor, st.assignments))
        throw new DomainError('not_found', 'Segnalazione non trovata o non accessibile.');
      const withEmail = reportRecipients(
        ctx.db,
        st.reporters.map((r) => r.reporterId),
      ).map((r) => r.reporterId);
      if (withEmail.length === 0)
        throw new DomainError(
          'validation',
          'Nessun segnalatore di questa segnalazione ha un indirizzo email.',
        );
      let ids = withEmail;
      if (input.reporterIds) {
        const chosen = new Set(input.reporterIds);
        const linked = new Set(st.reporters.map((r) => r.reporterId));
        if ([...chosen].some((id) => !linked.has(id)))
          throw new DomainError(
            'validation',
            'Un destinatario scelto non è un segnalatore di questa segnalazione.',
          );
        ids = withEmail.filter((id) => chosen.has(id));
        if (ids.length === 0)
          throw new DomainError('validation', 'Scegli almeno un destinatario con un indirizzo email.');
      }
      const template = input.templateId
        ? synced
          ? await serverTemplate(ctx.db, input.templateId)
          : getTemplate(ctx.db, input.templateId)
        : null;
      if (input.templateId && (!template || template.kind !== 'reply'))
        throw new DomainError('validation', 'Modello di risposta non trovato.');
      const emailId = ctx.newId();
      ctx.store.mutate(
        'report.logReply',
        {
          reportId: input.reportId,
          emailId,
          templateId: template?.id ?? null,
          templateName: template?.name ?? null,
          reporterIds: ids,
          subject: input.subject,
          text: input.text,
          attachmentIds: input.attachmentIds,
        },
        ctx.actor,
      );
      return { emailId, recipients: ids.length };
    },
  };
}
