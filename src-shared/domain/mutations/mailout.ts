/**
 * report.logReply: a clerk's answer to the citizens of a report. The log entry is the
 * public record of what was said (kind 'event', action 'reply_sent', unlike internal
 * notes); it syncs like any log entry, and the node that sends derives the emails from
 * this mutation's value (one per reporter with an email).
 */
import { z } from 'zod';
import { fail } from '../errors';
import { hasPermission, requireStaff } from '../permissions';
import { zId } from '../schemas';
import { defineMutation, logEntry } from './framework';
import { loadReport, requireNotMerged } from './helpers';

export const reportLogReply = defineMutation({
  name: 'report.logReply',
  args: z.object({
    reportId: zId,
    /** Id of the outgoing email (the first recipient's), fixed by the caller. */
    emailId: zId,
    /** The reply template used, and its name at the time (templates are local settings). */
    templateId: zId.nullable().default(null),
    templateName: z.string().max(100).nullable().default(null),
    reporterIds: z.array(zId).min(1).max(50),
    subject: z.string().trim().min(1, { message: 'Scrivi l’oggetto della risposta.' }).max(300),
    text: z.string().trim().min(1, { message: 'Scrivi il testo della risposta.' }).max(50_000),
    attachmentIds: z.array(zId).max(50).default([]),
  }),
  reads: (a) => ({ reports: [a.reportId], reporters: a.reporterIds, attachments: a.attachmentIds }),
  apply(state, a, actor, env) {
    requireStaff(actor, 'rispondere ai cittadini');
    if (!hasPermission(actor, 'canReply'))
      fail('forbidden', 'Non hai il permesso «può rispondere» per scrivere ai cittadini.');
    const st = loadReport(state, actor, a.reportId);
    requireNotMerged(st.report);
    const linked = new Set(st.reporters.map((r) => r.reporterId));
    const recipients = a.reporterIds.map((id) => {
      const r = state.reporters.get(id);
      if (!r || !linked.has(id))
        fail('validation', 'Il destinatario non è un segnalatore di questa segnalazione.');
      if (!r!.email) fail('validation', `Il segnalatore ${r!.nome} ${r!.cognome} non ha un indirizzo email.`);
      return { email: r!.email!, nome: r!.nome, cognome: r!.cognome };
    });
    const attachments = a.attachmentIds.map((id) => {
      const att = state.attachments.get(id);
      if (!att || att.reportId !== a.reportId)
        fail('validation', 'Allegato non trovato su questa segnalazione.');
      return { sha256: att!.sha256, fileName: att!.fileName, mime: att!.mime };
    });
    const to = recipients.map((r) => r.email);
    return {
      changes: [
        logEntry(env, actor, a.reportId, 'reply_sent', {
          to,
          subject: a.subject,
          text: a.text,
          emailId: a.emailId,
          attachmentIds: a.attachmentIds,
          ...(a.templateId ? { templateId: a.templateId, templateName: a.templateName } : {}),
        }),
      ],
      touchedReports: [a.reportId],
      value: {
        emailId: a.emailId,
        reportId: a.reportId,
        recipients,
        subject: a.subject,
        text: a.text,
        attachments,
      },
    };
  },
});
