import { z } from 'zod';
import { dueAtFor, yearInRome } from '../dates';
import { fail } from '../errors';
import { hasPermission, requireMajorEdits, requireStaff } from '../permissions';
import { zId, zReportFields, zReportPatch, zReporterRef } from '../schemas';
import { runRules, runUpdateRules } from '../automations/apply';
import { autoAggregate } from '../duplicates/auto-aggregate';
import { PROVISIONAL_CODE } from '../codes';
import { canTransition, STATUS_LABELS, transitionError } from '../status';
import type { Report } from '../types';
import { defineMutation, logEntry, type Change } from './framework';
import { loadReport, newReportRow, reporterEmails, requireNotMerged, touch } from './helpers';
import { reporterRow } from './reporter-rows';

export const reportCreate = defineMutation({
  name: 'report.create',
  args: z.object({
    id: zId,
    fields: zReportFields,
    reporters: z.array(zReporterRef).max(50).default([]),
    /**
     * The provisional code an offline replica showed the clerk. When the authority
     * (the sync server) assigns another code, this one stays as a permanent alias.
     */
    clientCode: z.string().regex(PROVISIONAL_CODE).optional(),
  }),
  reads: (a) => ({
    categories: a.fields.categoryId ? [a.fields.categoryId] : [],
    reporters: a.reporters.map((r) => r.reporterId),
    reports: [a.id],
    automations: true,
    ...(a.fields.categoryId && a.fields.lat !== null && a.fields.lon !== null
      ? { duplicatesOf: { categoryId: a.fields.categoryId, lat: a.fields.lat, lon: a.fields.lon } }
      : {}),
  }),
  apply(state, a, actor, env) {
    requireStaff(actor, 'creare segnalazioni');
    if (state.reports.has(a.id)) fail('conflict', 'Segnalazione già esistente.');
    const category = a.fields.categoryId ? state.categories.get(a.fields.categoryId) : null;
    if (a.fields.categoryId && !category) fail('validation', 'Categoria inesistente.');
    if (category && !category.active) fail('validation', `La categoria «${category.name}» non è più attiva.`);
    if ((a.fields.lat === null) !== (a.fields.lon === null)) {
      fail('validation', 'Indica entrambe le coordinate (latitudine e longitudine) o nessuna.');
    }
    if (a.reporters.length > 0 && !hasPermission(actor, 'seesReporterData')) {
      fail('forbidden', 'Non hai il permesso di gestire i dati dei segnalatori.');
    }
    const code = env.allocateCode(yearInRome(env.now));
    const report = newReportRow({ id: a.id, code, ...a.fields }, category, actor, env);
    const changes: Change[] = [];
    if (a.clientCode && a.clientCode !== code) {
      changes.push({ op: 'put', table: 'report_codes', row: { code: a.clientCode, reportId: a.id } });
    }
    changes.push(logEntry(env, actor, a.id, 'created', { code, channel: a.fields.channel }));
    const seen = new Set<string>();
    a.reporters.forEach((ref, position) => {
      if (seen.has(ref.reporterId)) return;
      seen.add(ref.reporterId);
      if (ref.newReporter) {
        if (state.reporters.has(ref.reporterId)) fail('conflict', 'Segnalatore già esistente.');
        changes.push({
          op: 'put',
          table: 'reporters',
          row: reporterRow(ref.reporterId, ref.newReporter, env),
        });
      } else if (!state.reporters.has(ref.reporterId)) {
        fail('validation', 'Segnalatore non trovato in rubrica.');
      }
      changes.push({
        op: 'put',
        table: 'report_reporters',
        row: { reportId: a.id, reporterId: ref.reporterId, position },
      });
    });
    // Automations run last, on the report as entered; the report row is written once,
    // with what the rules changed (status, priority, deadline).
    const emails = a.reporters
      .map((ref) =>
        ref.newReporter ? ref.newReporter.email : (state.reporters.get(ref.reporterId)?.email ?? null),
      )
      .filter((e): e is string => !!e);
    const rules = runRules(state, report, [], emails, actor, env, 'create');
    // "Aggrega ai duplicati": after the other rules, so the merged report keeps what they did.
    const merged = autoAggregate(state, rules.report, emails, actor, env);
    changes.unshift({ op: 'put', table: 'reports', row: merged.report });
    changes.push(...rules.changes, ...merged.changes);
    const touched = merged.report.mergedInto ? [a.id, merged.report.mergedInto] : [a.id];
    return { changes, touchedReports: touched, value: { id: a.id, code } };
  },
});

const FIELD_LABELS: Record<string, string> = {
  title: 'Titolo',
  description: 'Descrizione',
  categoryId: 'Categoria',
  address: 'Indirizzo',
  lat: 'Latitudine',
  lon: 'Longitudine',
  channel: 'Canale',
  priority: 'Priorità',
  dueAt: 'Scadenza',
};

export const reportUpdate = defineMutation({
  name: 'report.update',
  args: z.object({ reportId: zId, patch: zReportPatch }),
  reads: (a) => ({
    reports: [a.reportId],
    categories: a.patch.categoryId ? [a.patch.categoryId] : [],
    automations: true,
  }),
  apply(state, a, actor, env) {
    const { report, assignments, reporters } = loadReport(state, actor, a.reportId);
    requireNotMerged(report);
    requireStaff(actor, 'modificare i dati di una segnalazione');
    const major = ['title', 'description', 'categoryId', 'address', 'lat', 'lon', 'channel'];
    const diffs: {
      field: string;
      label: string;
      before: unknown;
      after: unknown;
      beforeText?: string | null;
      afterText?: string | null;
    }[] = [];
    const patch: Partial<Report> = {};
    for (const [k, v] of Object.entries(a.patch) as [keyof Report, unknown][]) {
      if (v === undefined || report[k] === v) continue;
      if (major.includes(k)) requireMajorEdits(actor);
      const diff: (typeof diffs)[number] = {
        field: k,
        label: FIELD_LABELS[k] ?? k,
        before: report[k],
        after: v,
      };
      if (k === 'categoryId') {
        // Names, not only ids: the log must read right even after a category is renamed.
        diff.beforeText = report.categoryId ? (state.categories.get(report.categoryId)?.name ?? null) : null;
        diff.afterText = v ? (state.categories.get(v as string)?.name ?? null) : null;
      }
      diffs.push(diff);
      (patch as Record<string, unknown>)[k] = v;
    }
    if (diffs.length === 0) return { changes: [], touchedReports: [] };
    const lat = 'lat' in patch ? patch.lat : report.lat;
    const lon = 'lon' in patch ? patch.lon : report.lon;
    if ((lat === null) !== (lon === null)) {
      fail('validation', 'Indica entrambe le coordinate (latitudine e longitudine) o nessuna.');
    }
    if (patch.categoryId) {
      const cat = state.categories.get(patch.categoryId);
      if (!cat) fail('validation', 'Categoria inesistente.');
      if (!cat!.active) fail('validation', `La categoria «${cat!.name}» non è più attiva.`);
      // A new category brings its own deadline unless the patch sets one explicitly.
      if (!('dueAt' in a.patch)) patch.dueAt = dueAtFor(report.createdAt, cat!.daysToClose);
    }
    // The clerk's change first, then what the rules "anche quando la segnalazione
    // cambia" that it makes apply do (log entries are ordered by id within an instant).
    const updated = logEntry(env, actor, report.id, 'updated', { changes: diffs });
    const emails = reporterEmails(state, reporters);
    const rules = runUpdateRules(
      state,
      { report, reporterEmails: emails },
      { report: { ...report, ...patch }, reporterEmails: emails },
      assignments,
      actor,
      env,
    );
    return {
      changes: [touch(rules.report, actor, env, {}), updated, ...rules.changes],
      touchedReports: [report.id],
    };
  },
});

export const reportSetStatus = defineMutation({
  name: 'report.setStatus',
  args: z.object({ reportId: zId, status: z.literal('in_gestione') }),
  reads: (a) => ({ reports: [a.reportId] }),
  apply(state, a, actor, env) {
    const { report } = loadReport(state, actor, a.reportId);
    requireNotMerged(report);
    // Taking in charge is Nuovo → In gestione only: a closed report comes back through
    // report.reopen, which clears the outcome and says why.
    if (report.status === 'chiuso') {
      fail('invalid_transition', 'La segnalazione è chiusa: per lavorarci ancora va riaperta.');
    }
    if (!canTransition(report.status, a.status))
      fail('invalid_transition', transitionError(report.status, a.status));
    return {
      changes: [
        touch(report, actor, env, { status: a.status }),
        logEntry(env, actor, report.id, 'status_changed', {
          before: report.status,
          after: a.status,
          label: `${STATUS_LABELS[report.status]} → ${STATUS_LABELS[a.status]}`,
        }),
      ],
      touchedReports: [report.id],
    };
  },
});

export const reportClose = defineMutation({
  name: 'report.close',
  args: z.object({
    reportId: zId,
    outcomeId: zId,
    closingNote: z.string().trim().max(10_000).nullable().default(null),
  }),
  reads: (a) => ({ reports: [a.reportId], outcomes: [a.outcomeId] }),
  apply(state, a, actor, env) {
    const { report } = loadReport(state, actor, a.reportId);
    requireNotMerged(report);
    if (!canTransition(report.status, 'chiuso'))
      fail('invalid_transition', transitionError(report.status, 'chiuso'));
    const outcome = state.outcomes.get(a.outcomeId);
    if (!outcome) fail('validation', 'Per chiudere la segnalazione scegli un esito valido.');
    if (!outcome!.active) fail('validation', `L'esito «${outcome!.label}» non è più in uso.`);
    const closingNote = a.closingNote ? a.closingNote : null;
    return {
      changes: [
        touch(report, actor, env, {
          status: 'chiuso',
          outcomeId: a.outcomeId,
          closingNote,
          closedAt: env.now,
        }),
        logEntry(env, actor, report.id, 'closed', {
          before: report.status,
          after: 'chiuso',
          outcomeId: a.outcomeId,
          outcomeLabel: outcome!.label,
          closingNote,
        }),
      ],
      touchedReports: [report.id],
    };
  },
});

export const reportReopen = defineMutation({
  name: 'report.reopen',
  args: z.object({ reportId: zId, reason: z.string().trim().max(2_000).nullable().default(null) }),
  reads: (a) => ({ reports: [a.reportId] }),
  apply(state, a, actor, env) {
    const { report } = loadReport(state, actor, a.reportId);
    requireNotMerged(report);
    if (!canTransition(report.status, 'in_gestione') || report.status !== 'chiuso') {
      fail('invalid_transition', 'Si può riaprire solo una segnalazione chiusa.');
    }
    return {
      changes: [
        touch(report, actor, env, {
          status: 'in_gestione',
          outcomeId: null,
          closingNote: null,
          closedAt: null,
        }),
        logEntry(env, actor, report.id, 'reopened', {
          before: 'chiuso',
          after: 'in_gestione',
          previousOutcomeId: report.outcomeId,
          previousClosingNote: report.closingNote,
          reason: a.reason || null,
        }),
      ],
      touchedReports: [report.id],
    };
  },
});
