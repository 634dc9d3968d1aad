/**
 * Mutations of the mail intake. Ids are derived from the mailbox and the message by
 * the intake (the report's id, its reporter's, every attachment's, the original .eml
 * included), so a second intake of the same message — another PC, a restart, the sync
 * server replaying — finds them taken and is refused with 'conflict': never a second
 * report, never a doubled follow-up.
 */
import { z } from 'zod';
import { yearInRome } from '../dates';
import { fail } from '../errors';
import { requireStaff } from '../permissions';
import { zId, zLat, zLon } from '../schemas';
import type { Actor } from '../types';
import { runRules } from '../automations/apply';
import { defineMutation, logEntry, type Change, type Snapshot } from './framework';
import { loadReport, newReportRow, touch } from './helpers';
import { zAttachmentMeta } from './report-links';

/** The actor the intake writes as: a system identity, never a person who can log in. */
export const MAIL_INTAKE_ACTOR: Actor = {
  id: '00000000-0000-4000-8000-00000000a11e',
  role: 'amministratore',
  permissions: {
    canReply: false,
    majorEdits: true,
    seesReporterData: true,
    statistics: false,
    export: false,
  },
  groupIds: [],
};

const zMailFrom = z.object({ name: z.string().max(300), address: z.string().max(320) });

/** What the log keeps of the message: enough to show and to trace it, not the body. */
const zMailMeta = z.object({
  mailboxId: z.string().max(100),
  messageId: z.string().max(1000).nullable(),
  from: zMailFrom.nullable(),
  /** The citizen when not the sender (forwarded or certified mail). */
  reporter: zMailFrom.nullable().default(null),
  subject: z.string().max(2000),
  date: z.number().int().nullable(),
  pec: z.record(z.string(), z.unknown()).nullable().default(null),
  notes: z.array(z.string().max(1000)).max(50).default([]),
  needsReview: z.boolean().default(false),
});

const zMailReporter = z.object({
  /** Derived from the address: two PCs adding the same new citizen agree on the id. */
  reporterId: zId,
  email: z.string().trim().toLowerCase().max(254),
  nome: z.string().trim().max(100),
  cognome: z.string().trim().max(100),
});

function attachmentChanges(
  state: Snapshot,
  reportId: string,
  atts: z.output<typeof zAttachmentMeta>[],
  actor: Actor,
  now: number,
): Change[] {
  return atts.map((a) => {
    if (state.attachments.has(a.id)) fail('conflict', 'Messaggio già acquisito.');
    return {
      op: 'put',
      table: 'attachments',
      row: { ...a, reportId, createdBy: actor.id, createdAt: now },
    } satisfies Change;
  });
}

export const reportReceiveMail = defineMutation({
  name: 'report.receiveMail',
  args: z.object({
    id: zId,
    channel: z.enum(['email', 'pec']),
    title: z.string().trim().min(1).max(200),
    description: z.string().max(20_000).default(''),
    categoryId: zId.nullable().default(null),
    /** Set when a clerk confirms the message from the review inbox; empty from the intake. */
    address: z.string().trim().max(300).default(''),
    lat: zLat.default(null),
    lon: zLon.default(null),
    reporter: zMailReporter.nullable().default(null),
    /** The original .eml first: its id is the message's, so it is also the dedup key. */
    attachments: z.array(zAttachmentMeta).min(1).max(200),
    mail: zMailMeta,
  }),
  reads: (a) => ({
    reports: [a.id],
    categories: a.categoryId ? [a.categoryId] : [],
    reporters: a.reporter ? [a.reporter.reporterId] : [],
    reporterEmails: a.reporter ? [a.reporter.email] : [],
    attachments: a.attachments.map((x) => x.id),
    automations: true,
  }),
  apply(state, a, actor, env) {
    requireStaff(actor, 'acquisire messaggi di posta');
    if (state.reports.has(a.id)) fail('conflict', 'Messaggio già acquisito.');
    const category = a.categoryId ? state.categories.get(a.categoryId) : null;
    if ((a.lat === null) !== (a.lon === null))
      fail('validation', 'Indica entrambe le coordinate (latitudine e longitudine) o nessuna.');
    if (a.categoryId && (!category || !category.active))
      fail('validation', 'Categoria inesistente o non attiva.');
    const code = env.allocateCode(yearInRome(env.now));
    const report = newReportRow(
      {
        id: a.id,
        code,
        title: a.title,
        description: a.description,
        categoryId: a.categoryId,
        address: a.address,
        lat: a.lat,
        lon: a.lon,
        channel: a.channel,
        priority: 'normale',
      },
      category,
      actor,
      env,
    );
    const changes: Change[] = [];
    let reporterId: string | null = null;
    if (a.reporter) {
      const known =
        state.reportersByEmail.get(a.reporter.email) ?? state.reporters.get(a.reporter.reporterId);
      reporterId = known?.id ?? a.reporter.reporterId;
      if (!known) {
        changes.push({
          op: 'put',
          table: 'reporters',
          row: {
            id: reporterId,
            nome: a.reporter.nome,
            cognome: a.reporter.cognome,
            email: a.reporter.email,
            telefono: null,
            codiceFiscale: null,
            indirizzo: null,
            createdAt: env.now,
            updatedAt: env.now,
          },
        });
      }
      changes.push({
        op: 'put',
        table: 'report_reporters',
        row: { reportId: a.id, reporterId, position: 0 },
      });
    }
    changes.push(...attachmentChanges(state, a.id, a.attachments, actor, env.now));
    changes.push(logEntry(env, actor, a.id, 'created', { code, channel: a.channel }));
    changes.push(
      logEntry(env, actor, a.id, 'mail_received', {
        ...a.mail,
        reporterId,
        attachmentIds: a.attachments.map((x) => x.id),
      }),
    );
    // Automations run on mail too (words in the text, the sender's domain, …).
    const rules = runRules(state, report, [], a.reporter ? [a.reporter.email] : [], actor, env, 'create');
    changes.unshift({ op: 'put', table: 'reports', row: rules.report });
    changes.push(...rules.changes);
    return { changes, touchedReports: [a.id], value: { id: a.id, code, reporterId } };
  },
});

export const reportMailFollowUp = defineMutation({
  name: 'report.mailFollowUp',
  args: z.object({
    reportId: zId,
    text: z.string().max(20_000).default(''),
    attachments: z.array(zAttachmentMeta).min(1).max(200),
    mail: zMailMeta,
  }),
  reads: (a) => ({ reports: [a.reportId], attachments: a.attachments.map((x) => x.id) }),
  apply(state, a, actor, env) {
    requireStaff(actor, 'acquisire messaggi di posta');
    const { report } = loadReport(state, actor, a.reportId);
    return {
      changes: [
        ...attachmentChanges(state, report.id, a.attachments, actor, env.now),
        touch(report, actor, env, {}),
        // "Nuova risposta" is this entry until a later 'mail_reply_seen' clears it.
        logEntry(
          env,
          actor,
          report.id,
          'mail_in',
          { ...a.mail, attachmentIds: a.attachments.map((x) => x.id), newReply: true },
          { text: a.text || null },
        ),
      ],
      touchedReports: [report.id],
    };
  },
});

export const reportMailNotice = defineMutation({
  name: 'report.mailNotice',
  args: z.object({
    reportId: zId,
    notice: z.enum(['pec_receipt', 'mail_bounce', 'mail_feedback']),
    /** The receipt or bounce as received (.eml): also the dedup key. */
    attachment: zAttachmentMeta,
    data: z.record(z.string(), z.unknown()),
  }),
  reads: (a) => ({ reports: [a.reportId], attachments: [a.attachment.id] }),
  apply(state, a, actor, env) {
    requireStaff(actor, 'acquisire messaggi di posta');
    const { report } = loadReport(state, actor, a.reportId);
    return {
      changes: [
        ...attachmentChanges(state, report.id, [a.attachment], actor, env.now),
        logEntry(env, actor, report.id, a.notice, { ...a.data, attachmentId: a.attachment.id }),
      ],
      touchedReports: [report.id],
    };
  },
});

export const reportMarkReplySeen = defineMutation({
  name: 'report.markReplySeen',
  args: z.object({ reportId: zId }),
  reads: (a) => ({ reports: [a.reportId] }),
  apply(state, a, actor, env) {
    const { report } = loadReport(state, actor, a.reportId);
    return { changes: [logEntry(env, actor, report.id, 'mail_reply_seen', null)], touchedReports: [] };
  },
});
