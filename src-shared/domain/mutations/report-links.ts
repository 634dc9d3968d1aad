import { z } from 'zod';
import { fail } from '../errors';
import { extractMentionUsernames } from '../mentions';
import { hasPermission, isAdmin, requireMajorEdits, requireReporterData, requireStaff } from '../permissions';
import { zAssigneeKind, zId, zNoteText, zReporterRef } from '../schemas';
import { defineMutation, logEntry, type Change } from './framework';
import { runUpdateRules } from '../automations/apply';
import { loadReport, reporterEmails, requireNotMerged, touch } from './helpers';
import { reporterRow } from './reporter-rows';

export const reportAssign = defineMutation({
  name: 'report.assign',
  args: z.object({ reportId: zId, kind: zAssigneeKind, assigneeId: zId }),
  reads: (a) => ({
    reports: [a.reportId],
    users: a.kind === 'user' ? [a.assigneeId] : [],
    groups: a.kind === 'group' ? [a.assigneeId] : [],
  }),
  apply(state, a, actor, env) {
    const { report, assignments } = loadReport(state, actor, a.reportId);
    requireNotMerged(report);
    requireStaff(actor, 'assegnare segnalazioni');
    let name: string;
    if (a.kind === 'user') {
      const u = state.users.get(a.assigneeId);
      if (!u || !u.active) return fail('validation', 'Utente inesistente o disattivato.');
      name = u.fullName;
    } else {
      const g = state.groups.get(a.assigneeId);
      if (!g || !g.active) return fail('validation', 'Gruppo inesistente o disattivato.');
      name = g.name;
    }
    if (assignments.some((x) => x.kind === a.kind && x.assigneeId === a.assigneeId)) {
      fail('conflict', `La segnalazione è già assegnata a ${name}.`);
    }
    return {
      changes: [
        {
          op: 'put',
          table: 'report_assignments',
          row: {
            reportId: report.id,
            kind: a.kind,
            assigneeId: a.assigneeId,
            assignedAt: env.now,
            assignedBy: actor.id,
          },
        },
        touch(report, actor, env, {}),
        logEntry(env, actor, report.id, 'assigned', { kind: a.kind, assigneeId: a.assigneeId, name }),
      ],
      touchedReports: [report.id],
    };
  },
});

export const reportUnassign = defineMutation({
  name: 'report.unassign',
  args: z.object({ reportId: zId, kind: zAssigneeKind, assigneeId: zId }),
  reads: (a) => ({
    reports: [a.reportId],
    users: a.kind === 'user' ? [a.assigneeId] : [],
    groups: a.kind === 'group' ? [a.assigneeId] : [],
  }),
  apply(state, a, actor, env) {
    const { report, assignments } = loadReport(state, actor, a.reportId);
    requireNotMerged(report);
    requireStaff(actor, 'togliere assegnazioni');
    const existing = assignments.find((x) => x.kind === a.kind && x.assigneeId === a.assigneeId);
    if (!existing) return fail('not_found', 'Assegnazione non trovata.');
    const name =
      a.kind === 'user' ? state.users.get(a.assigneeId)?.fullName : state.groups.get(a.assigneeId)?.name;
    return {
      changes: [
        { op: 'delete', table: 'report_assignments', row: existing },
        touch(report, actor, env, {}),
        logEntry(env, actor, report.id, 'unassigned', {
          kind: a.kind,
          assigneeId: a.assigneeId,
          name: name ?? null,
        }),
      ],
      touchedReports: [report.id],
    };
  },
});

export const reportAddNote = defineMutation({
  name: 'report.addNote',
  args: z.object({ reportId: zId, text: zNoteText }),
  reads: (a) => ({ reports: [a.reportId], usernames: extractMentionUsernames(a.text) }),
  apply(state, a, actor, env) {
    const { report } = loadReport(state, actor, a.reportId);
    // Mentions name only users that exist and are active; "@foo" for nobody stays plain text.
    const mentions = extractMentionUsernames(a.text)
      .map((u) => state.usernames.get(u))
      .filter((u) => u && u.active)
      .map((u) => u!.id);
    return {
      changes: [logEntry(env, actor, report.id, 'note', null, { kind: 'note', text: a.text, mentions })],
      touchedReports: [report.id],
    };
  },
});

export const zAttachmentMeta = z.object({
  id: zId,
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  fileName: z.string().min(1).max(255),
  mime: z.string().min(1).max(200),
  size: z.number().int().nonnegative(),
  hasThumb: z.boolean(),
});

export const reportAddAttachment = defineMutation({
  name: 'report.addAttachment',
  args: z.object({ reportId: zId, attachment: zAttachmentMeta }),
  reads: (a) => ({ reports: [a.reportId], attachments: [a.attachment.id] }),
  apply(state, a, actor, env) {
    const { report } = loadReport(state, actor, a.reportId);
    requireNotMerged(report);
    if (state.attachments.has(a.attachment.id)) fail('conflict', 'Allegato già presente.');
    return {
      changes: [
        {
          op: 'put',
          table: 'attachments',
          row: { ...a.attachment, reportId: report.id, createdBy: actor.id, createdAt: env.now },
        },
        touch(report, actor, env, {}),
        logEntry(env, actor, report.id, 'attachment_added', {
          attachmentId: a.attachment.id,
          fileName: a.attachment.fileName,
          size: a.attachment.size,
        }),
      ],
      touchedReports: [report.id],
    };
  },
});

export const reportRemoveAttachment = defineMutation({
  name: 'report.removeAttachment',
  args: z.object({ reportId: zId, attachmentId: zId }),
  reads: (a) => ({ reports: [a.reportId], attachments: [a.attachmentId] }),
  apply(state, a, actor, env) {
    const { report } = loadReport(state, actor, a.reportId);
    requireNotMerged(report);
    const att = state.attachments.get(a.attachmentId);
    if (!att || att.reportId !== report.id) return fail('not_found', 'Allegato non trovato.');
    if (!isAdmin(actor) && att.createdBy !== actor.id && !hasPermission(actor, 'majorEdits')) {
      fail('forbidden', 'Puoi eliminare solo gli allegati che hai aggiunto tu.');
    }
    return {
      changes: [
        { op: 'delete', table: 'attachments', row: att },
        touch(report, actor, env, {}),
        logEntry(env, actor, report.id, 'attachment_removed', {
          attachmentId: att.id,
          fileName: att.fileName,
        }),
      ],
      touchedReports: [report.id],
    };
  },
});

export const reportAddReporter = defineMutation({
  name: 'report.addReporter',
  args: z.object({ reportId: zId, reporter: zReporterRef }),
  // Automations: a new reporter's email domain can make a rule "anche quando la
  // segnalazione cambia" apply. (Removing one never can: the domain condition is "any of".)
  reads: (a) => ({ reports: [a.reportId], reporters: [a.reporter.reporterId], automations: true }),
  apply(state, a, actor, env) {
    const { report, reporters, assignments } = loadReport(state, actor, a.reportId);
    requireNotMerged(report);
    requireStaff(actor, 'modificare i segnalatori');
    requireReporterData(actor);
    const changes: Change[] = [];
    const ref = a.reporter;
    if (ref.newReporter) {
      if (state.reporters.has(ref.reporterId)) fail('conflict', 'Segnalatore già esistente.');
      changes.push({ op: 'put', table: 'reporters', row: reporterRow(ref.reporterId, ref.newReporter, env) });
    } else if (!state.reporters.has(ref.reporterId)) {
      fail('validation', 'Segnalatore non trovato in rubrica.');
    }
    if (reporters.some((r) => r.reporterId === ref.reporterId)) {
      fail('conflict', 'Questo segnalatore è già collegato alla segnalazione.');
    }
    const position = reporters.reduce((m, r) => Math.max(m, r.position + 1), 0);
    const added = logEntry(env, actor, report.id, 'reporter_added', {
      reporterId: ref.reporterId,
      name: reporterName(ref.newReporter ?? state.reporters.get(ref.reporterId)),
    });
    const before = reporterEmails(state, reporters);
    const email = ref.newReporter ? ref.newReporter.email : state.reporters.get(ref.reporterId)?.email;
    const rules = runUpdateRules(
      state,
      { report, reporterEmails: before },
      { report, reporterEmails: email ? [...before, email] : before },
      assignments,
      actor,
      env,
    );
    changes.push(
      {
        op: 'put',
        table: 'report_reporters',
        row: { reportId: report.id, reporterId: ref.reporterId, position },
      },
      touch(rules.report, actor, env, {}),
      added,
      ...rules.changes,
    );
    return { changes, touchedReports: [report.id] };
  },
});

export const reportRemoveReporter = defineMutation({
  name: 'report.removeReporter',
  args: z.object({ reportId: zId, reporterId: zId }),
  reads: (a) => ({ reports: [a.reportId], reporters: [a.reporterId] }),
  apply(state, a, actor, env) {
    const { report, reporters } = loadReport(state, actor, a.reportId);
    requireNotMerged(report);
    requireStaff(actor, 'modificare i segnalatori');
    requireReporterData(actor);
    requireMajorEdits(actor);
    const link = reporters.find((r) => r.reporterId === a.reporterId);
    if (!link) return fail('not_found', 'Il segnalatore non è collegato a questa segnalazione.');
    return {
      changes: [
        { op: 'delete', table: 'report_reporters', row: link },
        touch(report, actor, env, {}),
        logEntry(env, actor, report.id, 'reporter_removed', {
          reporterId: a.reporterId,
          name: reporterName(state.reporters.get(a.reporterId)),
        }),
      ],
      touchedReports: [report.id],
    };
  },
});

/** A reporter's display name for the log; the core redacts it for viewers without the permission. */
function reporterName(r: { nome: string; cognome: string } | undefined): string | null {
  if (!r) return null;
  return `${r.nome} ${r.cognome}`.trim() || null;
}
