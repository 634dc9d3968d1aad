/**
 * Activity planning on a report: create, edit (a whole series or one occurrence), change
 * status (with the completion note). Every change leaves a log entry on the report.
 *
 * Who may do what: staff (amministratore, operatore) plan and edit activities on any
 * report they see; a fornitore sees the activities of its reports and may only move the
 * status of the ones assigned to it (or to one of its groups), never cancel them.
 */
import { z } from 'zod';
import type { Activity, ActivityFields, ActivityStatus } from '../activities/activity';
import {
  ACTIVITY_STATUS_LABELS,
  zActivityFields,
  zActivityStatus,
  zCompletionNote,
} from '../activities/activity';
import { endsAtOf } from '../activities/occurrences';
import { firstOccurrence, isOccurrence } from '../activities/recurrence';
import { fail } from '../errors';
import { isSupplier, requireStaff } from '../permissions';
import { zId } from '../schemas';
import type { Actor } from '../types';
import { defineMutation, logEntry, type Change, type MutationEnv, type Snapshot } from './framework';
import { loadReport, requireNotMerged } from './helpers';

const reads = (a: { reportId: string; fields?: { assignee: { kind: string; id: string } | null } }) => ({
  reports: [a.reportId],
  activities: [a.reportId],
  users: a.fields?.assignee?.kind === 'user' ? [a.fields.assignee.id] : [],
  groups: a.fields?.assignee?.kind === 'group' ? [a.fields.assignee.id] : [],
});

function assigneeName(state: Snapshot, f: ActivityFields): string | null {
  if (!f.assignee) return null;
  if (f.assignee.kind === 'user') {
    const u = state.users.get(f.assignee.id);
    if (!u || !u.active) return fail('validation', 'L’incaricato dell’attività non esiste o è disattivato.');
    return u.fullName;
  }
  const g = state.groups.get(f.assignee.id);
  if (!g || !g.active) return fail('validation', 'Il gruppo incaricato non esiste o è disattivato.');
  return g.name;
}

function checkRecurrence(f: ActivityFields): void {
  if (f.recurrence && firstOccurrence(f.startAt, f.recurrence) === null) {
    fail(
      'validation',
      'La ripetizione scelta non produce nessuna occorrenza: controlla giorni e data di fine.',
    );
  }
}

function activityOf(state: Snapshot, reportId: string, id: string): Activity {
  const a = state.activities.get(id);
  if (!a || a.reportId !== reportId) return fail('not_found', 'Attività non trovata.');
  return a;
}

function put(row: Activity): Change {
  return { op: 'put', table: 'report_activities', row };
}

function withFields(base: Activity, f: ActivityFields, actor: Actor, env: MutationEnv): Activity {
  const row: Activity = {
    ...base,
    title: f.title,
    description: f.description,
    assigneeKind: f.assignee?.kind ?? null,
    assigneeId: f.assignee?.id ?? null,
    startAt: f.startAt,
    durationMin: f.durationMin,
    recurrence: base.seriesId ? null : f.recurrence,
    updatedBy: actor.id,
    updatedAt: env.now,
  };
  return { ...row, endsAt: endsAtOf(row) };
}

/** The override row of one occurrence of a series: the existing one, or a fresh copy. */
function overrideFor(
  state: Snapshot,
  series: Activity,
  start: number,
  actor: Actor,
  env: MutationEnv,
): Activity {
  if (!isOccurrence(series.startAt, series.recurrence!, start)) {
    return fail('not_found', 'Questa occorrenza non fa parte della serie (la serie è stata modificata?).');
  }
  // Two PCs offline may both override the same occurrence; the newest row wins on read.
  const existing = [...state.activities.values()]
    .filter((a) => a.seriesId === series.id && a.occurrenceStart === start)
    .sort((x, y) => y.updatedAt - x.updatedAt)[0];
  if (existing) return existing;
  return {
    ...series,
    id: env.newId(),
    seriesId: series.id,
    occurrenceStart: start,
    startAt: start,
    status: series.status === 'annullata' ? 'annullata' : 'da_fare',
    completionNote: null,
    recurrence: null,
    endsAt: start + series.durationMin * 60_000,
    createdBy: actor.id,
    createdAt: env.now,
    updatedBy: actor.id,
    updatedAt: env.now,
  };
}

/** Which occurrence a call is about: a row, or one computed occurrence of a series. */
const zTarget = {
  reportId: zId,
  activityId: zId,
  /** For a series: the start of the one occurrence meant (null = the whole series). */
  occurrenceStart: z.number().int().nullable().default(null),
};

function resolveTarget(
  state: Snapshot,
  a: { reportId: string; activityId: string; occurrenceStart: number | null },
  actor: Actor,
  env: MutationEnv,
): { row: Activity; series: boolean } {
  const row = activityOf(state, a.reportId, a.activityId);
  if (a.occurrenceStart === null) return { row, series: !!row.recurrence };
  if (!row.recurrence) return fail('validation', 'Solo le attività ricorrenti hanno occorrenze.');
  return { row: overrideFor(state, row, a.occurrenceStart, actor, env), series: false };
}

export const activityCreate = defineMutation({
  name: 'activity.create',
  args: z.object({ reportId: zId, activityId: zId, fields: zActivityFields }),
  reads,
  apply(state, a, actor, env) {
    const { report } = loadReport(state, actor, a.reportId);
    requireNotMerged(report);
    requireStaff(actor, 'pianificare attività');
    if (report.status === 'chiuso') {
      fail('conflict', 'La segnalazione è chiusa: riaprila per pianificare nuove attività.');
    }
    if (state.activities.has(a.activityId)) fail('conflict', 'Attività già esistente.');
    const name = assigneeName(state, a.fields);
    checkRecurrence(a.fields);
    const base: Activity = {
      id: a.activityId,
      reportId: report.id,
      seriesId: null,
      occurrenceStart: null,
      title: '',
      description: '',
      assigneeKind: null,
      assigneeId: null,
      startAt: 0,
      durationMin: 0,
      status: 'da_fare',
      completionNote: null,
      recurrence: null,
      endsAt: null,
      createdBy: actor.id,
      createdAt: env.now,
      updatedBy: actor.id,
      updatedAt: env.now,
    };
    const row = withFields(base, a.fields, actor, env);
    return {
      changes: [
        put(row),
        logEntry(env, actor, report.id, 'activity_created', {
          activityId: row.id,
          title: row.title,
          startAt: row.startAt,
          durationMin: row.durationMin,
          recurrence: row.recurrence,
          assignee: name,
        }),
      ],
      touchedReports: [report.id],
      value: { id: row.id },
    };
  },
});

const FIELD_NAMES = ['title', 'description', 'assignee', 'startAt', 'durationMin', 'recurrence'] as const;

function changedFields(before: Activity, after: Activity): string[] {
  const view = (x: Activity) => ({
    title: x.title,
    description: x.description,
    assignee: `${x.assigneeKind}:${x.assigneeId}`,
    startAt: x.startAt,
    durationMin: x.durationMin,
    recurrence: JSON.stringify(x.recurrence),
  });
  const b = view(before);
  const c = view(after);
  return FIELD_NAMES.filter((k) => b[k] !== c[k]);
}

export const activityUpdate = defineMutation({
  name: 'activity.update',
  args: z.object({ ...zTarget, fields: zActivityFields }),
  reads,
  apply(state, a, actor, env) {
    const { report } = loadReport(state, actor, a.reportId);
    requireNotMerged(report);
    requireStaff(actor, 'modificare le attività');
    const { row: before, series } = resolveTarget(state, a, actor, env);
    if (!series && a.fields.recurrence && before.seriesId) {
      fail('validation', 'Una singola occorrenza non può ripetersi: modifica la serie.');
    }
    const name = assigneeName(state, a.fields);
    checkRecurrence(a.fields);
    const after = withFields(before, a.fields, actor, env);
    const fields = changedFields(before, after);
    if (fields.length === 0 && state.activities.has(before.id)) return { changes: [], touchedReports: [] };
    return {
      changes: [
        put(after),
        logEntry(env, actor, report.id, 'activity_updated', {
          activityId: after.seriesId ?? after.id,
          title: after.title,
          occurrenceStart: after.occurrenceStart,
          series,
          fields,
          startAt: after.startAt,
          assignee: name,
        }),
      ],
      touchedReports: [report.id],
      value: { id: after.id },
    };
  },
});

export const activitySetStatus = defineMutation({
  name: 'activity.setStatus',
  args: z.object({ ...zTarget, status: zActivityStatus, note: zCompletionNote }),
  reads,
  apply(state, a, actor, env) {
    const { report } = loadReport(state, actor, a.reportId);
    requireNotMerged(report);
    const { row: before, series } = resolveTarget(state, a, actor, env);
    if (isSupplier(actor)) {
      const mine =
        (before.assigneeKind === 'user' && before.assigneeId === actor.id) ||
        (before.assigneeKind === 'group' && actor.groupIds.includes(before.assigneeId ?? ''));
      if (!mine)
        fail('forbidden', 'Un fornitore può aggiornare solo le attività affidate a lui o al suo gruppo.');
      if (a.status === 'annullata') fail('forbidden', 'Un fornitore non può annullare attività.');
    }
    if (series && (a.status === 'in_corso' || a.status === 'completata')) {
      fail(
        'validation',
        'Una serie si porta avanti occorrenza per occorrenza: scegli la singola data, oppure annulla la serie.',
      );
    }
    const status: ActivityStatus = a.status;
    const note = status === 'completata' ? (a.note ?? before.completionNote) : before.completionNote;
    // Nothing changes (an unchanged computed occurrence gets no override row either).
    if (before.status === status && note === before.completionNote) {
      return { changes: [], touchedReports: [] };
    }
    const after: Activity = {
      ...before,
      status,
      completionNote: note,
      updatedBy: actor.id,
      updatedAt: env.now,
    };
    return {
      changes: [
        put(after),
        logEntry(env, actor, report.id, 'activity_status', {
          activityId: after.seriesId ?? after.id,
          title: after.title,
          occurrenceStart: after.occurrenceStart,
          series,
          before: before.status,
          after: status,
          label: ACTIVITY_STATUS_LABELS[status],
          note: status === 'completata' ? note : null,
        }),
      ],
      touchedReports: [report.id],
    };
  },
});
