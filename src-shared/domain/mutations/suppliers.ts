/**
 * Rubrica fornitori and forwarding ("Inoltra"), plus a user's own notification choice.
 *
 * report.forward records the forward on the report (a public 'forwarded' event with who
 * got it and what was written); the node that sends derives the email from this
 * mutation's value, in the same transaction (see src-main/mail-out/forward.ts), exactly
 * like report.logReply.
 */
import { z } from 'zod';
import { fail } from '../errors';
import { hasPermission, isAdmin, requireAdmin, requireReporterData, requireStaff } from '../permissions';
import { zEmail, zId } from '../schemas';
import { defineMutation, logEntry } from './framework';
import { loadReport, requireNotMerged } from './helpers';

const zRequiredEmail = z
  .string()
  .trim()
  .toLowerCase()
  .max(254)
  .regex(/^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/, { message: 'Indirizzo email non valido.' });

export const addressBookSave = defineMutation({
  name: 'addressBook.save',
  args: z.object({
    id: zId,
    name: z.string().trim().min(1, { message: 'Indica il nome del destinatario.' }).max(200),
    organisation: z.string().trim().max(200).default(''),
    email: zRequiredEmail,
    categoryIds: z.array(zId).max(500).default([]),
    notes: z.string().trim().max(2000).default(''),
    active: z.boolean().default(true),
  }),
  reads: (a) => ({ categories: a.categoryIds }),
  apply(state, a, actor, env) {
    requireAdmin(actor);
    const categoryIds = [...new Set(a.categoryIds)];
    for (const id of categoryIds)
      if (!state.categories.has(id)) fail('validation', 'Una delle categorie indicate non esiste.');
    return {
      changes: [{ op: 'put', table: 'address_book', row: { ...a, categoryIds, updatedAt: env.now } }],
      touchedReports: [],
    };
  },
});

export interface ForwardValue {
  emailId: string;
  reportId: string;
  recipient: { id: string; name: string; organisation: string; email: string };
  message: string;
  attachments: { sha256: string; fileName: string; mime: string }[];
  /** Only those the clerk explicitly chose to include. */
  reporters: {
    nome: string;
    cognome: string;
    email: string | null;
    telefono: string | null;
    indirizzo: string | null;
  }[];
}

export const reportForward = defineMutation({
  name: 'report.forward',
  args: z.object({
    reportId: zId,
    /** Id of the outgoing email, fixed by the caller (the outbox row's id). */
    emailId: zId,
    recipientId: zId,
    message: z.string().trim().max(20_000).default(''),
    attachmentIds: z.array(zId).max(50).default([]),
    /** Reporters whose data goes into the email: none unless the clerk chooses. */
    includeReporterIds: z.array(zId).max(50).default([]),
  }),
  reads: (a) => ({
    reports: [a.reportId],
    addressBook: [a.recipientId],
    attachments: a.attachmentIds,
    reporters: a.includeReporterIds,
  }),
  apply(state, a, actor, env) {
    requireStaff(actor, 'inoltrare segnalazioni');
    if (!hasPermission(actor, 'canReply'))
      fail('forbidden', 'Non hai il permesso «può rispondere» per inviare email a nome dell’ente.');
    const st = loadReport(state, actor, a.reportId);
    requireNotMerged(st.report);
    const r = state.addressBook.get(a.recipientId);
    if (!r || !r.active) fail('validation', 'Destinatario non trovato nella rubrica fornitori.');
    const recipient = r!;
    const attachments = a.attachmentIds.map((id) => {
      const att = state.attachments.get(id);
      if (!att || att.reportId !== a.reportId)
        fail('validation', 'Allegato non trovato su questa segnalazione.');
      return { sha256: att!.sha256, fileName: att!.fileName, mime: att!.mime };
    });
    if (a.includeReporterIds.length > 0) requireReporterData(actor);
    const linked = new Set(st.reporters.map((x) => x.reporterId));
    const reporters = a.includeReporterIds.map((id) => {
      const p = state.reporters.get(id);
      if (!p || !linked.has(id)) fail('validation', 'Il segnalatore non appartiene a questa segnalazione.');
      const { nome, cognome, email, telefono, indirizzo } = p!;
      return { nome, cognome, email, telefono, indirizzo };
    });
    const value: ForwardValue = {
      emailId: a.emailId,
      reportId: a.reportId,
      recipient: {
        id: recipient.id,
        name: recipient.name,
        organisation: recipient.organisation,
        email: recipient.email,
      },
      message: a.message,
      attachments,
      reporters,
    };
    return {
      changes: [
        logEntry(env, actor, a.reportId, 'forwarded', {
          emailId: a.emailId,
          recipientId: recipient.id,
          recipientName: recipient.name,
          organisation: recipient.organisation,
          recipientEmail: recipient.email,
          message: a.message,
          attachmentIds: a.attachmentIds,
          reportersIncluded: reporters.length,
        }),
      ],
      touchedReports: [a.reportId],
      value,
    };
  },
});

/** "Avvisami anche per email": each user for themselves (administrators for anyone). */
export const userSetNotifications = defineMutation({
  name: 'user.setNotifications',
  args: z.object({ userId: zId, notifyByEmail: z.boolean(), email: zEmail.default(null) }),
  reads: (a) => ({ users: [a.userId] }),
  apply(state, a, actor, env) {
    if (a.userId !== actor.id && !isAdmin(actor))
      fail('forbidden', 'Puoi cambiare solo le tue preferenze di notifica.');
    const user = state.users.get(a.userId);
    if (!user) return fail('not_found', 'Utente non trovato.');
    if (a.notifyByEmail && !a.email)
      fail('validation', 'Indica il tuo indirizzo email per ricevere le notifiche per email.');
    return {
      changes: [
        {
          op: 'put',
          table: 'users',
          row: { ...user, notifyByEmail: a.notifyByEmail, email: a.email, updatedAt: env.now },
        },
      ],
      touchedReports: [],
    };
  },
});
